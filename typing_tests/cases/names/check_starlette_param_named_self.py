"""starlette add_task takes a task parameter named `self` by position; `self=` collides with add_task's own `self`."""

from starlette.background import BackgroundTasks


def handler(self: int) -> None: ...


class Outbox:
    def flush(self) -> None: ...


outbox = Outbox()
tasks = BackgroundTasks()
tasks.add_task(handler, 1)
tasks.add_task(handler, "1")  # E: arg-type
tasks.add_task(outbox.flush)
tasks.add_task(Outbox.flush, outbox)
tasks.add_task(handler, self=1)  # E: self-collision  # diverge: self-keyword-collision
tasks.add_task(Outbox.flush, self=outbox)  # E: self-collision  # diverge: self-keyword-collision
