"""None is rejected for a task parameter whose type does not include None."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


def archive(path: str, depth: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(archive, "/tmp/a", 1)
tasks.add_task(archive, None, 1)  # E: arg-type
tasks.add_task(archive, "/tmp/a", depth=None)  # E: arg-type

task = BackgroundTask(archive, "/tmp/a", 1)
bad_task = BackgroundTask(archive, None, 1)  # E: arg-type
bad_keyword_task = BackgroundTask(archive, path="/tmp/a", depth=None)  # E: arg-type
