"""A never-run task is still flagged behind a bound, static or class method, a callable instance, partial or a ParamSpec decorator."""

import functools
from collections.abc import Callable, Coroutine, Generator, Iterator
from typing import Any, ParamSpec, TypeVar

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask

P = ParamSpec("P")
R = TypeVar("R")


def logged(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return func(*args, **kwargs)

    return wrapper


async def send(address: str) -> None: ...


def rows(n: int) -> Iterator[int]:
    yield n


def schedule(address: str) -> Coroutine[Any, Any, None]:
    return send(address)


@logged
def chunks(n: int) -> Generator[int, None, None]:
    yield n


@logged
def pages(n: int) -> Iterator[int]:
    yield n


class Export:
    def rows(self, n: int) -> Iterator[int]:
        yield n

    @staticmethod
    def chunks(n: int) -> Iterator[int]:
        yield n

    @classmethod
    def pages(cls, n: int) -> Iterator[int]:
        yield n

    def mail(self, address: str) -> Coroutine[Any, Any, None]:
        return send(address)


class Stream:
    def __call__(self, n: int) -> Iterator[int]:
        yield n


tasks = BackgroundTasks()
tasks.add_task(Export().rows, 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(Export.chunks, 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(Export.pages, 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(Export().mail, "a@example.com")  # E: task-unawaited  # diverge: no-plugin-interface
tasks.add_task(Stream(), 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(functools.partial(rows, 1))  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(functools.partial(schedule, "a@example.com"))  # E: task-unawaited  # diverge: no-plugin-interface
tasks.add_task(functools.partial(functools.partial(rows), 1))  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(functools.partial(functools.partial(schedule), "a@example.com"))  # E: task-unawaited  # diverge: no-plugin-interface
tasks.add_task(chunks, 1)  # E: task-generator  # diverge: no-plugin-interface
tasks.add_task(pages, 1)  # E: task-generator  # diverge: no-plugin-interface
BackgroundTask(functools.partial(Export().rows, 1))  # E: task-generator  # diverge: no-plugin-interface
