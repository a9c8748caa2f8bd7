"""Giving add_task's or BackgroundTask's own `func` both by position and as `func=` is rejected."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping() -> None: ...


def send(address: str) -> None: ...


fastapi_tasks = BackgroundTasks()
starlette_tasks = StarletteBackgroundTasks()
fastapi_tasks.add_task(ping, func=ping)  # E: func-collision, mypy=misc
fastapi_tasks.add_task(send, "a@example.com", func=send)  # E: func-collision, mypy=misc
fastapi_tasks.add_task("a@example.com", func=send)  # E: func-collision
starlette_tasks.add_task(ping, func=ping)  # E: func-collision, mypy=misc
starlette_tasks.add_task("a@example.com", func=send)  # E: func-collision
BackgroundTask(ping, func=ping)  # E: func-collision, mypy=misc
BackgroundTask("a@example.com", func=send)  # E: func-collision
