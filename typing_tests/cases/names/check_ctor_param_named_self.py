"""BackgroundTask() takes a task parameter named `self` by position; `self=` collides with `__init__`'s `self`."""

from starlette.background import BackgroundTask


def handler(self: int) -> None: ...


class Outbox:
    def flush(self) -> None: ...


outbox = Outbox()
BackgroundTask(handler, 1)
BackgroundTask(handler, "1")  # E: arg-type
BackgroundTask(outbox.flush)
BackgroundTask(Outbox.flush, outbox)
BackgroundTask(handler, self=1)  # E: self-collision  # diverge: self-keyword-collision
BackgroundTask(Outbox.flush, self=outbox)  # E: self-collision  # diverge: self-keyword-collision
