"""An awaitable that is not callable (an `__await__` object, a coroutine from asyncio.sleep) is rejected as a task."""

import asyncio
from collections.abc import Awaitable, Generator

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


class Waiter:
    def __await__(self) -> Generator[None, None, None]:
        yield


def make_waiter() -> Awaitable[None]:
    return Waiter()


fastapi_tasks = BackgroundTasks()
starlette_tasks = StarletteBackgroundTasks()
fastapi_tasks.add_task(asyncio.sleep, 0)
starlette_tasks.add_task(asyncio.sleep, 0)
BackgroundTask(asyncio.sleep, 0)
fastapi_tasks.add_task(Waiter())  # E: not-callable
fastapi_tasks.add_task(make_waiter())  # E: not-callable
fastapi_tasks.add_task(asyncio.sleep(0))  # E: not-callable
starlette_tasks.add_task(Waiter())  # E: not-callable
starlette_tasks.add_task(make_waiter())  # E: not-callable
starlette_tasks.add_task(asyncio.sleep(0))  # E: not-callable
BackgroundTask(Waiter())  # E: not-callable
BackgroundTask(make_waiter())  # E: not-callable
BackgroundTask(asyncio.sleep(0))  # E: not-callable
