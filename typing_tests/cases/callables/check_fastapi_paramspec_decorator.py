"""fastapi add_task still checks a task wrapped by a ParamSpec-preserving decorator against the original signature."""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from fastapi import BackgroundTasks

P = ParamSpec("P")
R = TypeVar("R")


def logged(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return func(*args, **kwargs)

    return wrapper


@logged
def send(address: str, *, retries: int = 3) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send, "a@example.com")
tasks.add_task(send, "a@example.com", retries=5)
tasks.add_task(send, 1)  # E: arg-type
tasks.add_task(send, "a@example.com", 5)  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
tasks.add_task(send)  # E: missing-arg
tasks.add_task(send, "a@example.com", timeout=1)  # E: unknown-kw
