"""A starlette BackgroundTasks is not a fastapi one, and a BackgroundTask is not a BackgroundTasks, for a declared variable."""

# static-only: the claims are about annotated variables, which Python does not check when it assigns

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping(host: str) -> None: ...


as_starlette: StarletteBackgroundTasks = FastAPIBackgroundTasks()
as_task: BackgroundTask = FastAPIBackgroundTasks()
starlette_as_task: BackgroundTask = StarletteBackgroundTasks()
as_fastapi: FastAPIBackgroundTasks = StarletteBackgroundTasks()  # E: assignment
task_as_tasks: StarletteBackgroundTasks = BackgroundTask(ping, "a")  # E: assignment


def schedule(tasks: StarletteBackgroundTasks) -> None:
    tasks.add_task(ping, "localhost")


schedule(FastAPIBackgroundTasks())
schedule(StarletteBackgroundTasks())
