"""starlette add_task rejects passing a sync task's positional-only parameters by keyword."""

from starlette.background import BackgroundTasks


def purge(bucket: str, limit: int, /) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(purge, "cache", 10)
tasks.add_task(purge, "cache", limit=10)  # E: pos-only-as-kw
tasks.add_task(purge, bucket="cache", limit=10)  # E: pos-only-as-kw
tasks.add_task(purge, "cache", "10")  # E: arg-type
tasks.add_task(purge, "cache")  # E: missing-arg, pyrefly=bad-argument-count
