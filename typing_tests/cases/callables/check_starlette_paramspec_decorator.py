"""starlette add_task and the BackgroundTask constructor check async tasks wrapped by a ParamSpec-preserving decorator."""

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from starlette.background import BackgroundTask, BackgroundTasks

P = ParamSpec("P")
R = TypeVar("R")


def traced(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return await func(*args, **kwargs)

    return wrapper


@traced
async def store(key: str, value: int, /) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(store, "k", 1)
tasks.add_task(store, "k", "1")  # E: arg-type
tasks.add_task(store, "k", value=1)  # E: pos-only-as-kw
BackgroundTask(store, "k", 1)
BackgroundTask(store, "k", 1, 2)  # E: too-many-pos
BackgroundTask(store, "k")  # E: missing-arg, pyrefly=bad-argument-count
