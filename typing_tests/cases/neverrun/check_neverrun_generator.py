"""A generator function (sync or async) as the task never runs its body, whatever its return annotation says, a generator lambda too."""

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteTasks


def rows(n: int) -> Iterator[int]:
    yield n


def chunks() -> Generator[int, None, None]:
    yield 1


def lines() -> Iterable[str]:
    yield "a"


async def events() -> AsyncIterator[int]:
    yield 1


async def feed(n: int) -> AsyncGenerator[int, None]:
    yield n


tasks = BackgroundTasks()
tasks.add_task(rows, 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(chunks)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(lines)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(events)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(feed, 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(func=chunks)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(lambda: (yield))  # E: task-generator  # diverge: no-plugin-interface
StarletteTasks().add_task(rows, 1)  # E: task-generator  # diverge: no-plugin-interface
StarletteTasks().add_task(events)  # E: task-generator  # diverge: no-plugin-interface
BackgroundTask(rows, 1)  # E: task-generator  # diverge: no-plugin-interface
BackgroundTask(func=feed, n=1)  # E: task-generator  # diverge: no-plugin-interface
