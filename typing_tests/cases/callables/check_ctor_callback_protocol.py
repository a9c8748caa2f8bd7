"""The BackgroundTask constructor and starlette add_task check a task typed as an async callback Protocol."""

from collections.abc import Awaitable
from typing import Protocol

from starlette.background import BackgroundTask, BackgroundTasks


class Sink(Protocol):
    def __call__(self, data: bytes, /, flush: bool = False) -> Awaitable[None]: ...


async def write(data: bytes, /, flush: bool = False) -> None: ...


sink: Sink = write
BackgroundTask(sink, b"x")
BackgroundTask(sink, b"x", flush=True)
BackgroundTask(sink, "x")  # E: arg-type
BackgroundTask(sink, data=b"x")  # E: pos-only-as-kw
tasks = BackgroundTasks()
tasks.add_task(sink, b"x", True)
tasks.add_task(sink, b"x", True, True)  # E: too-many-pos
