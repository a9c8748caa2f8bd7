"""fastapi add_task enforces an async task's positional-only and keyword-only markers."""

from fastapi import BackgroundTasks


async def migrate(schema: str, /, version: int, *, dry_run: bool = False) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(migrate, "public", 3)
tasks.add_task(migrate, "public", version=3, dry_run=True)
tasks.add_task(migrate, schema="public", version=3)  # E: pos-only-as-kw
tasks.add_task(migrate, "public", 3, True)  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
tasks.add_task(migrate, "public", 3, dry_run="no")  # E: arg-type
tasks.add_task(migrate, "public")  # E: missing-arg
