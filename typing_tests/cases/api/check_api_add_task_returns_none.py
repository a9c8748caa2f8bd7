"""add_task returns None on starlette's BackgroundTasks and on fastapi's."""

# static-only: assert_type does nothing at run time

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from typing_extensions import assert_type


def ping(host: str) -> None: ...


def lookup(host: str) -> int:
    return 0


fastapi_tasks = FastAPIBackgroundTasks()
assert_type(fastapi_tasks.add_task(ping, "localhost"), None)
assert_type(fastapi_tasks.add_task(lookup, "localhost"), None)
assert_type(fastapi_tasks.add_task(lookup, "localhost"), int)  # E: assert-type

starlette_tasks = StarletteBackgroundTasks()
assert_type(starlette_tasks.add_task(ping, host="localhost"), None)
assert_type(starlette_tasks.add_task(ping, "localhost"), BackgroundTask)  # E: assert-type
