"""Tasks that do run are not flagged: sync and async functions returning anything else, async __call__, partial (nested too) of a coroutine function, whatever else the call's arguments hold."""

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask

T = TypeVar("T")


def send(address: str) -> None: ...


async def send_async(address: str) -> None: ...


def count(n: int) -> list[int]:
    return [n]


def numbers(n: int) -> Iterator[int]:
    return iter([n])


async def fetch(n: int) -> Iterator[int]:
    return iter([n])


def lazy() -> Callable[[], None]:
    return lambda: None


def rows(n: int) -> Iterator[int]:
    yield n


def second(first: object, chosen: T) -> T:
    return chosen


class Sender:
    async def __call__(self, address: str) -> None: ...


class Counter:
    def __call__(self, n: int) -> int:
        return n


@contextmanager
def opened(path: str) -> Iterator[str]:
    yield path


def use(path: str) -> None:
    with opened(path):
        pass


sender: Callable[[str], Awaitable[None]] = send_async
tasks = BackgroundTasks()
tasks.add_task(send, "a@example.com")
tasks.add_task(send_async, "a@example.com")
tasks.add_task(count, 1)
tasks.add_task(numbers, 1)
tasks.add_task(fetch, 1)
tasks.add_task(lazy)
tasks.add_task(Sender(), "a@example.com")
tasks.add_task(Counter(), 1)
tasks.add_task(use, "f")
tasks.add_task(sender, "a@example.com")
tasks.add_task(lambda: send("a@example.com"))
tasks.add_task(functools.partial(send_async, "a@example.com"))
tasks.add_task(functools.partial(functools.partial(send_async), "a@example.com"))
tasks.add_task(second(functools.partial(rows, 1), functools.partial(functools.partial(send_async), "a@example.com")))
tasks.add_task(functools.partial(Sender(), "a@example.com"))
BackgroundTask(send_async, "a@example.com")
BackgroundTask(functools.partial(send_async, "a@example.com"))
BackgroundTask(func=Sender(), address="a@example.com")
