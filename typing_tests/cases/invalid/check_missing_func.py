"""Calling add_task or BackgroundTask() with no arguments at all is rejected: `func` is required."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks

fastapi_tasks = BackgroundTasks()
starlette_tasks = StarletteBackgroundTasks()
fastapi_tasks.add_task()  # E: missing-arg
starlette_tasks.add_task()  # E: missing-arg
BackgroundTask()  # E: missing-arg
