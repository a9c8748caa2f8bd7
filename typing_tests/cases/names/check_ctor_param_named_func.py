"""BackgroundTask() takes a task parameter named `func` by position; `func=` collides with its own `func`."""

from starlette.background import BackgroundTask


def record(func: int) -> None: ...


def record_kwonly(*, func: int) -> None: ...


BackgroundTask(record, 1)
BackgroundTask(record, "1")  # E: arg-type
BackgroundTask(record, func=1)  # E: func-collision  # diverge: zuban-func-keyword-collision
BackgroundTask(record_kwonly, func=1)  # E: func-collision  # diverge: zuban-func-keyword-collision
