"""The checker resolved starlette and fastapi.background: their classes are real types, not Any."""

from fastapi.background import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def job(x: int) -> None: ...


b: int = FastAPIBackgroundTasks()  # E: assignment
c: int = StarletteBackgroundTasks()  # E: assignment
d: int = BackgroundTask(job, 1)  # E: assignment
# Arguments are checked at all (pyrefly's basic preset skips them), whatever the stubs say of add_task.
job("x")  # E: arg-type
