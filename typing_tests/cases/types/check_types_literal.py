"""A Literal task parameter accepts its own literals and rejects any other literal or a plain str."""

from typing import Literal

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


def open_log(path: str, mode: Literal["read", "write"]) -> None: ...


def current_mode() -> str:
    return "append"


tasks = BackgroundTasks()
tasks.add_task(open_log, "app.log", "read")
tasks.add_task(open_log, "app.log", mode="write")
tasks.add_task(open_log, "app.log", "append")  # E: arg-type
tasks.add_task(open_log, "app.log", mode="append")  # E: arg-type
tasks.add_task(open_log, "app.log", current_mode())  # E: arg-type

task = BackgroundTask(open_log, "app.log", "write")
bad_task = BackgroundTask(open_log, "app.log", "append")  # E: arg-type
plain_task = BackgroundTask(open_log, "app.log", mode=current_mode())  # E: arg-type
