"""starlette add_task rejects passing a sync task's keyword-only parameters by position."""

from starlette.background import BackgroundTasks


def reindex(*, table: str, full: bool = False) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(reindex, table="users")
tasks.add_task(reindex, table="users", full=True)
tasks.add_task(reindex, "users")  # E: kw-only-as-pos
tasks.add_task(reindex, full=True)  # E: missing-arg
tasks.add_task(reindex, table=1)  # E: arg-type
tasks.add_task(reindex, table="users", full="yes")  # E: arg-type
tasks.add_task(reindex, table="users", fast=True)  # E: unknown-kw
