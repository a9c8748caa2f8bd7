"""starlette add_task and the BackgroundTask constructor reject extra or wrong-typed arguments after `functools.partial`."""

from functools import partial

from starlette.background import BackgroundTask, BackgroundTasks


def resize(path: str, width: int) -> None: ...


async def upload(path: str, bucket: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(partial(resize, "a.png"), 10)
tasks.add_task(partial(resize, "a.png", 10))
tasks.add_task(partial(upload, "a.png"), bucket="media")
tasks.add_task(partial(resize, "a.png"), 10, 20)  # E: too-many-pos  # diverge: partial-args-unchecked
tasks.add_task(partial(resize, "a.png", 10), 20)  # E: too-many-pos  # diverge: partial-args-unchecked
tasks.add_task(partial(upload, "a.png"), "media", "extra")  # E: too-many-pos  # diverge: partial-args-unchecked
BackgroundTask(partial(resize, "a.png"), 10)
BackgroundTask(partial(resize, "a.png"), "10")  # E: arg-type  # diverge: partial-args-unchecked
BackgroundTask(partial(upload, "a.png"), 1)  # E: arg-type  # diverge: partial-args-unchecked
# Several checkers miss this one, so it names more than one divergence.
BackgroundTask(partial(resize, width=10), "a.png", 20)  # E: dup-arg, ty=too-many-positional-arguments  # diverge: partial-args-unchecked, pyright-partial-keyword-stays-positional
