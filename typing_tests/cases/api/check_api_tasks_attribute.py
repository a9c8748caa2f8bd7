"""BackgroundTasks().tasks is a list of BackgroundTask, for starlette's class and fastapi's subclass."""

# static-only: assert_type does nothing at run time

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from typing_extensions import assert_type


def ping(host: str) -> None: ...


starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(ping, "localhost")
assert_type(starlette_tasks.tasks, list[BackgroundTask])
assert_type(starlette_tasks.tasks[0], BackgroundTask)

fastapi_tasks = FastAPIBackgroundTasks([BackgroundTask(ping, "example.com")])
assert_type(fastapi_tasks.tasks, list[BackgroundTask])
assert_type(fastapi_tasks.tasks, list[StarletteBackgroundTasks])  # E: assert-type
