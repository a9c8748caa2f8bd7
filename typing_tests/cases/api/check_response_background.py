"""Response(background=...) accepts a BackgroundTask or a BackgroundTasks, and rejects a plain function."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from starlette.responses import Response


def cleanup(path: str) -> None: ...


tasks = FastAPIBackgroundTasks()
tasks.add_task(cleanup, "/tmp/a")

with_fastapi_tasks = Response(b"ok", background=tasks)
with_starlette_tasks = Response("ok", background=StarletteBackgroundTasks())
with_task = Response(content="ok", background=BackgroundTask(cleanup, "/tmp/b"))
with_none = Response("ok", background=None)  # diverge: starlette-017-response-background-implicit-optional
with_function = Response("ok", background=cleanup)  # E: arg-type
with_task_class = Response("ok", background=BackgroundTask)  # E: arg-type
