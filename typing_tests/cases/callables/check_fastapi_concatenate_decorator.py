"""fastapi add_task follows a Concatenate decorator that adds or removes a leading parameter."""

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from fastapi import BackgroundTasks

P = ParamSpec("P")
R = TypeVar("R")


class Context:
    pass


def with_retries(func: Callable[P, R]) -> Callable[Concatenate[int, P], R]:
    def wrapper(retries: int, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return func(*args, **kwargs)

    return wrapper


def with_context(func: Callable[Concatenate[Context, P], R]) -> Callable[P, R]:
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return func(Context(), *args, **kwargs)

    return wrapper


@with_retries
def send(address: str) -> None: ...


@with_context
def audit(ctx: Context, event: str, level: int = 0) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send, 3, "a@example.com")
tasks.add_task(send, 3, address="a@example.com")
tasks.add_task(send, "a@example.com", "b@example.com")  # E: arg-type
tasks.add_task(send, 3)  # E: missing-arg
tasks.add_task(send, 3, "a@example.com", "b@example.com")  # E: too-many-pos
tasks.add_task(audit, "login")
tasks.add_task(audit, "login", level=2)
tasks.add_task(audit, Context(), "login")  # E: arg-type
tasks.add_task(audit)  # E: missing-arg
tasks.add_task(audit, "login", ctx=Context())  # E: unknown-kw
