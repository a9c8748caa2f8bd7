"""StreamingResponse(..., background=...) accepts a task and rejects a plain function."""

from collections.abc import Iterator

from fastapi import BackgroundTasks
from fastapi.responses import StreamingResponse as FastAPIStreamingResponse
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse


def cleanup(path: str) -> None: ...


def chunks() -> Iterator[bytes]:
    yield b"a"
    yield b"b"


tasks = BackgroundTasks()
tasks.add_task(cleanup, "/tmp/a")

with_task = StreamingResponse(chunks(), background=BackgroundTask(cleanup, "/tmp/b"))
with_tasks = FastAPIStreamingResponse(chunks(), media_type="text/plain", background=tasks)
with_function = StreamingResponse(chunks(), background=cleanup)  # E: arg-type
with_string = FastAPIStreamingResponse(chunks(), background="cleanup")  # E: arg-type
