"""An int argument is rejected for a str task parameter, by position and by keyword, at every entry point."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def greet(name: str, times: int) -> None: ...


fastapi_tasks = FastAPIBackgroundTasks()
fastapi_tasks.add_task(greet, "ada", 2)
fastapi_tasks.add_task(greet, name="ada", times=2)
fastapi_tasks.add_task(greet, 1, 2)  # E: arg-type
fastapi_tasks.add_task(greet, name=1, times=2)  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(greet, "ada", 2)
starlette_tasks.add_task(greet, 1, 2)  # E: arg-type
starlette_tasks.add_task(greet, "ada", times="2")  # E: arg-type

task = BackgroundTask(greet, "ada", 2)
bad_task = BackgroundTask(greet, 1, 2)  # E: arg-type
bad_keyword_task = BackgroundTask(greet, name=1, times=2)  # E: arg-type
