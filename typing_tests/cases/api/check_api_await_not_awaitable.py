"""A BackgroundTask or BackgroundTasks object is not itself awaitable: it must be called first."""

import asyncio

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


def ping(host: str) -> None: ...


async def run_tasks() -> None:
    tasks = BackgroundTasks()
    tasks.add_task(ping, "localhost")
    await tasks()
    await tasks  # E: await


async def run_task() -> None:
    task = BackgroundTask(ping, "localhost")
    await task()
    await task  # E: await


asyncio.run(run_tasks())
asyncio.run(run_task())
