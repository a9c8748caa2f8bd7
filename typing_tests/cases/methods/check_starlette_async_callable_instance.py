"""starlette add_task and the BackgroundTask constructor check an instance with an `async def __call__`."""

from starlette.background import BackgroundTask, BackgroundTasks


class Flush:
    async def __call__(self, *, force: bool) -> None: ...


flush = Flush()
tasks = BackgroundTasks()
tasks.add_task(flush, force=True)
tasks.add_task(flush, True)  # E: kw-only-as-pos
tasks.add_task(flush)  # E: missing-arg
BackgroundTask(flush, force=False)
BackgroundTask(flush, force=0.5)  # E: arg-type
BackgroundTask(flush, force=True, wait=True)  # E: unknown-kw
