"""RedirectResponse(..., background=...) accepts a task and rejects a plain function."""

from fastapi import BackgroundTasks
from fastapi.responses import RedirectResponse as FastAPIRedirectResponse
from starlette.background import BackgroundTask
from starlette.responses import RedirectResponse


def audit(target: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(audit, "/home")

with_task = RedirectResponse("/home", background=BackgroundTask(audit, "/home"))
with_tasks = FastAPIRedirectResponse(url="/home", status_code=303, background=tasks)
with_function = RedirectResponse("/home", background=audit)  # E: arg-type
fastapi_with_function = FastAPIRedirectResponse("/home", 302, None, audit)  # E: arg-type
