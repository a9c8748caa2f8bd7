"""An instance of a class without `__call__` is rejected as a task; the class itself and callable instances are fine."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


class Report:
    def __init__(self, title: str = "") -> None: ...


class Sender:
    def __call__(self, address: str) -> None: ...


fastapi_tasks = BackgroundTasks()
starlette_tasks = StarletteBackgroundTasks()
fastapi_tasks.add_task(Report)
fastapi_tasks.add_task(Report, "weekly")
fastapi_tasks.add_task(Sender(), "a@example.com")
starlette_tasks.add_task(Sender(), address="a@example.com")
BackgroundTask(Report, title="weekly")
fastapi_tasks.add_task(Report())  # E: not-callable
fastapi_tasks.add_task(Report(), "weekly")  # E: not-callable
starlette_tasks.add_task(Report())  # E: not-callable
BackgroundTask(Report())  # E: not-callable
fastapi_tasks.add_task(Sender(), 1)  # E: arg-type
