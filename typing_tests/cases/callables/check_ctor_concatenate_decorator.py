"""The BackgroundTask constructor and starlette add_task follow a Concatenate decorator that adds or removes a leading parameter."""

from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from starlette.background import BackgroundTask, BackgroundTasks

P = ParamSpec("P")
R = TypeVar("R")


class Session:
    pass


def inject_session(func: Callable[Concatenate[Session, P], Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return await func(Session(), *args, **kwargs)

    return wrapper


def with_label(func: Callable[P, R]) -> Callable[Concatenate[str, P], R]:
    def wrapper(label: str, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return func(*args, **kwargs)

    return wrapper


@inject_session
async def save(session: Session, key: str) -> None: ...


@with_label
def count(n: int) -> None: ...


BackgroundTask(save, "k")
BackgroundTask(save, key="k")
BackgroundTask(save, Session(), "k")  # E: too-many-pos, mypy=arg-type+call-arg, pyrefly=bad-argument-count+bad-argument-type, ty=invalid-argument-type+too-many-positional-arguments
BackgroundTask(save, 1)  # E: arg-type
tasks = BackgroundTasks()
tasks.add_task(count, "step", 1)
tasks.add_task(count, "step")  # E: missing-arg
tasks.add_task(count, 1, 1)  # E: arg-type
tasks.add_task(count, label="step", n=1)  # E: pos-only-as-kw, pyrefly=bad-argument-count+unexpected-keyword, ty=missing-argument+unknown-argument
