"""Calling a task's or a task list's __init__ through the class returns None, as it does at run time."""

# static-only: assert_type does nothing at run time

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask, BackgroundTasks
from typing_extensions import assert_type


def ping(host: str) -> None: ...


task = BackgroundTask(ping, "localhost")
assert_type(BackgroundTask.__init__(task, ping, "example.com"), None)
assert_type(BackgroundTask.__init__(task, ping, "example.com"), int)  # E: assert-type
tasks = BackgroundTasks()
assert_type(BackgroundTasks.__init__(tasks, [task]), None)  # diverge: inline-tasks-init-unannotated-return
assert_type(BackgroundTasks.__init__(tasks), int)  # E: assert-type
fastapi_tasks = FastAPIBackgroundTasks()
assert_type(FastAPIBackgroundTasks.__init__(fastapi_tasks, None), None)  # diverge: inline-tasks-init-unannotated-return
