"""The checker resolved starlette and fastapi: their classes are real types, not Any."""

from fastapi import BackgroundTasks
from fastapi.background import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def job(x: int) -> None: ...


a: int = BackgroundTasks()  # E: assignment
b: int = FastAPIBackgroundTasks()  # E: assignment
c: int = StarletteBackgroundTasks()  # E: assignment
d: int = BackgroundTask(job, 1)  # E: assignment
BackgroundTasks().add_task(job, "x")  # E: arg-type
