"""Giving add_task's or BackgroundTask's own `func` both by position and as `func=` is rejected."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping() -> None: ...


def send(address: str) -> None: ...


fastapi_tasks = BackgroundTasks()
starlette_tasks = StarletteBackgroundTasks()
fastapi_tasks.add_task(ping, func=ping)  # E: func-collision, mypy=misc, pyrefly=bad-keyword-argument, ty=parameter-already-assigned, zuban=call-arg
fastapi_tasks.add_task(send, "a@example.com", func=send)  # E: func-collision, mypy=misc, pyrefly=bad-keyword-argument, ty=parameter-already-assigned, zuban=call-arg
fastapi_tasks.add_task("a@example.com", func=send)  # E: func-collision, zuban=arg-type
starlette_tasks.add_task(ping, func=ping)  # E: func-collision, mypy=misc, pyrefly=bad-keyword-argument, ty=parameter-already-assigned, zuban=call-arg
starlette_tasks.add_task("a@example.com", func=send)  # E: func-collision, zuban=arg-type
BackgroundTask(ping, func=ping)  # E: func-collision, mypy=misc, pyrefly=bad-keyword-argument, ty=parameter-already-assigned, zuban=call-arg
BackgroundTask("a@example.com", func=send)  # E: func-collision, zuban=arg-type
