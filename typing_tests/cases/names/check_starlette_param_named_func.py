"""starlette add_task takes a task parameter named `func` by position; `func=` collides with add_task's own `func`."""

from starlette.background import BackgroundTasks


def record(func: int) -> None: ...


def record_kwonly(*, func: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(record, 1)
tasks.add_task(record, "1")  # E: arg-type
tasks.add_task(record, func=1)  # E: func-collision  # diverge: zuban-func-keyword-collision
tasks.add_task(record_kwonly, func=1)  # E: func-collision  # diverge: zuban-func-keyword-collision
