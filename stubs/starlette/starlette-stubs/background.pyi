from collections.abc import Callable, Sequence
from typing import Any, ParamSpec

_P = ParamSpec("_P")

class BackgroundTask:
    """One callable and its arguments, run after the response has been sent."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    is_async: bool
    def __init__(self, func: Callable[_P, Any], *args: _P.args, **kwargs: _P.kwargs) -> None:
        """Store `func` with the arguments it will be called with.

        The arguments are checked against `func`'s own signature. A coroutine
        function is awaited; a plain function runs in a worker thread.
        """

    async def __call__(self) -> None:
        """Call the stored function with its arguments; the result is discarded."""

class BackgroundTasks(BackgroundTask):
    """An ordered list of background tasks, run one after another."""

    tasks: list[BackgroundTask]
    def __init__(self, tasks: Sequence[BackgroundTask] | None = None) -> None:
        """Start with `tasks`, or with an empty list."""

    def add_task(self, func: Callable[_P, Any], *args: _P.args, **kwargs: _P.kwargs) -> None:
        """Queue `func(*args, **kwargs)` to run after the response.

        The arguments are checked against `func`'s own signature.
        """

    async def __call__(self) -> None:
        """Run every queued task in order; an exception stops the rest."""
