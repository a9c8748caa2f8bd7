"""A decorator that erases the signature to `Callable[..., Any]` makes every argument list pass add_task and the constructor."""

from collections.abc import Callable
from typing import Any

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask

calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []


def recorded(func: Callable[..., Any]) -> Callable[..., Any]:
    # The wrapper only records the call, so it accepts any arguments at run time too.
    def wrapper(*args: Any, **kwargs: Any) -> None:
        calls.append((args, kwargs))

    return wrapper


@recorded
def send(address: str, retries: int = 3) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send, "a@example.com")
tasks.add_task(send)
tasks.add_task(send, 1, 2, 3, 4)
tasks.add_task(send, "a@example.com", retries="many")
tasks.add_task(send, colour="red")
BackgroundTask(send, None)
BackgroundTask(send, address=b"x", extra=object())
