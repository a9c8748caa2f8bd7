from collections.abc import Callable
from typing import Any, ParamSpec

from starlette.background import BackgroundTasks as StarletteBackgroundTasks

_P = ParamSpec("_P")

class BackgroundTasks(StarletteBackgroundTasks):
    """Tasks to run after the response is sent; declare a parameter of this type to get one."""

    def add_task(self, func: Callable[_P, Any], *args: _P.args, **kwargs: _P.kwargs) -> None:
        """Queue `func(*args, **kwargs)` to run after the response.

        The arguments are checked against `func`'s own signature.
        """

    async def __call__(self) -> None:
        """Run every queued task in order, each inside a telemetry span."""
