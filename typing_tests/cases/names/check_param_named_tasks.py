"""A task parameter named `tasks` is an ordinary keyword for every entry point, unlike BackgroundTasks(tasks=...)."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def notify(tasks: int) -> None: ...


fastapi_tasks = BackgroundTasks()
starlette_tasks = StarletteBackgroundTasks()
fastapi_tasks.add_task(notify, tasks=1)
fastapi_tasks.add_task(notify, 1)
starlette_tasks.add_task(notify, tasks=1)
starlette_tasks.add_task(notify, 1)
BackgroundTask(notify, tasks=1)
StarletteBackgroundTasks(tasks=[BackgroundTask(notify, tasks=1)])
fastapi_tasks.add_task(notify, tasks="1")  # E: arg-type
starlette_tasks.add_task(notify, tasks="1")  # E: arg-type
BackgroundTask(notify, tasks="1")  # E: arg-type
fastapi_tasks.add_task(notify)  # E: missing-arg
