"""Awaiting a BackgroundTasks or BackgroundTask call inside a coroutine is fine and gives None."""

import asyncio

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from typing_extensions import assert_type


def ping(host: str) -> None: ...


async def aping(host: str) -> None: ...


async def main() -> None:
    fastapi_tasks = FastAPIBackgroundTasks()
    fastapi_tasks.add_task(ping, "localhost")
    fastapi_tasks.add_task(aping, "localhost")
    assert_type(await fastapi_tasks(), None)
    await fastapi_tasks()

    starlette_tasks = StarletteBackgroundTasks()
    starlette_tasks.add_task(aping, host="localhost")
    assert_type(await starlette_tasks(), None)

    task = BackgroundTask(ping, "localhost")
    assert_type(await task(), None)


asyncio.run(main())
