"""What the mypy plugin cannot see: a decorator typed Callable[..., Any], a sync wrapper around an async def behind a ParamSpec decorator, a partial of a partial bound to a name."""

import functools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from fastapi import BackgroundTasks

P = ParamSpec("P")
R = TypeVar("R")


def erased(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def logged(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return func(*args, **kwargs)

    return wrapper


@erased
def rows(n: int) -> Iterator[int]:
    yield n


@logged
async def send(address: str) -> None: ...


def lines(n: int) -> Iterator[int]:
    yield n


tasks = BackgroundTasks()
# The decorator's type says Any: nothing is left of the generator.
tasks.add_task(rows, 1)  # E: task-generator  # diverge: plugin-blind-erased-decorator
# The type still says "coroutine function"; at run time the sync wrapper returns the coroutine unawaited.
tasks.add_task(send, "a@example.com")  # E: task-unawaited  # diverge: plugin-blind-sync-wrapper
# The name's type is the inner partial's __call__, which hides the generator function it wraps.
nested = functools.partial(functools.partial(lines), 1)
tasks.add_task(nested)  # E: task-generator  # diverge: plugin-blind-named-nested-partial
