"""A BackgroundTasks can stand wherever a BackgroundTask is expected, including inside starlette's BackgroundTasks."""

# static-only: the failing claim is an annotated variable, which Python does not check when it assigns

from collections.abc import Sequence

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping(host: str) -> None: ...


inner = FastAPIBackgroundTasks()
inner.add_task(ping, "a")

outer = StarletteBackgroundTasks([inner, BackgroundTask(ping, "b")])
mixed: Sequence[BackgroundTask] = [inner, StarletteBackgroundTasks(), BackgroundTask(ping, "c")]
from_mixed = StarletteBackgroundTasks(mixed)
bad: Sequence[StarletteBackgroundTasks] = [inner, BackgroundTask(ping, "d")]  # E: assignment, mypy=list-item
