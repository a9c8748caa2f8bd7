"""BackgroundTasks rejects a sequence holding something that is not a BackgroundTask, and a bare task."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping(host: str) -> None: ...


task = BackgroundTask(ping, "a")

ok = StarletteBackgroundTasks([task])
with_function = StarletteBackgroundTasks([task, ping])  # E: arg-type, mypy=list-item
with_string = StarletteBackgroundTasks(tasks=["ping"])  # E: arg-type, mypy=list-item
bare_task = StarletteBackgroundTasks(task)  # E: arg-type

fastapi_ok = FastAPIBackgroundTasks(tasks=[task])
fastapi_with_function = FastAPIBackgroundTasks([ping])  # E: arg-type, mypy=list-item
fastapi_bare_task = FastAPIBackgroundTasks(tasks=task)  # E: arg-type
