"""A float task parameter accepts an int (the numeric promotion), but not a str."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def scale(factor: float, offset: complex = 0) -> None: ...


fastapi_tasks = FastAPIBackgroundTasks()
fastapi_tasks.add_task(scale, 2)
fastapi_tasks.add_task(scale, factor=2, offset=1)
fastapi_tasks.add_task(scale, 2.5, 1.5)
fastapi_tasks.add_task(scale, "2")  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(scale, 3, offset=True)

task = BackgroundTask(scale, 4)
bad_task = BackgroundTask(scale, factor="4")  # E: arg-type
