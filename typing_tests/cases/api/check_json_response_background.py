"""JSONResponse(..., background=...) accepts a task and rejects a plain function, in fastapi and starlette."""

from fastapi import BackgroundTasks
from fastapi.responses import JSONResponse as FastAPIJSONResponse
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse


def cleanup(path: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(cleanup, "/tmp/a")

with_task = JSONResponse({"ok": True}, background=BackgroundTask(cleanup, "/tmp/b"))
with_tasks = JSONResponse({"ok": True}, 201, background=tasks)
fastapi_with_tasks = FastAPIJSONResponse(content=[1, 2], background=tasks)
with_function = JSONResponse({"ok": True}, background=cleanup)  # E: arg-type
fastapi_with_function = FastAPIJSONResponse({"ok": True}, background=cleanup)  # E: arg-type
