"""A sync task that returns an awaitable runs in a thread and its coroutine is never awaited."""

from collections.abc import Awaitable, Coroutine
from typing import Any

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteTasks


async def send(address: str) -> None: ...


def schedule(address: str) -> Coroutine[Any, Any, None]:
    return send(address)


def later(address: str) -> Awaitable[None]:
    return send(address)


class Sender:
    def __call__(self, address: str) -> Coroutine[Any, Any, None]:
        return send(address)


tasks = BackgroundTasks()
tasks.add_task(lambda: send("a@example.com"))  # E: task-unawaited  # diverge: no-plugin-interface
tasks.add_task(schedule, "a@example.com")  # E: task-unawaited  # diverge: no-plugin-interface
tasks.add_task(later, "a@example.com")  # E: task-unawaited  # diverge: no-plugin-interface
tasks.add_task(Sender(), "a@example.com")  # E: task-unawaited  # diverge: no-plugin-interface
StarletteTasks().add_task(schedule, "a@example.com")  # E: task-unawaited  # diverge: no-plugin-interface
BackgroundTask(lambda: send("a@example.com"))  # E: task-unawaited  # diverge: no-plugin-interface
BackgroundTask(func=Sender(), address="a@example.com")  # E: task-unawaited  # diverge: no-plugin-interface
