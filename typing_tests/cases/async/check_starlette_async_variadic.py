"""starlette add_task checks extra arguments against an async task's *args and **kwargs annotations."""

from starlette.background import BackgroundTasks


async def bulk_delete(kind: str, *keys: int, **reason: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(bulk_delete, "user")
tasks.add_task(bulk_delete, "user", 1, 2)
tasks.add_task(bulk_delete, "user", 1, by="admin", why="spam")
tasks.add_task(bulk_delete, kind="user", by="admin")
tasks.add_task(bulk_delete, "user", "1")  # E: arg-type
tasks.add_task(bulk_delete, "user", by=b"admin")  # E: arg-type
tasks.add_task(bulk_delete, "user", kind="post")  # E: dup-arg  # diverge: zuban-dup-arg-into-var-keyword
tasks.add_task(bulk_delete)  # E: missing-arg
