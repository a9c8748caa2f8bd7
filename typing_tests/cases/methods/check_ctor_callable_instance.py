"""The BackgroundTask constructor checks an instance with a sync `__call__`, and rejects an instance without one."""

from starlette.background import BackgroundTask, BackgroundTasks


class Scaler:
    def __call__(self, value: float, /, *, factor: float = 2.0) -> None: ...


class Plain:
    pass


scale = Scaler()
BackgroundTask(scale, 1.0)
BackgroundTask(scale, 1, factor=3)
BackgroundTask(scale, "1.0")  # E: arg-type
BackgroundTask(scale, 1.0, 3.0)  # E: too-many-pos
BackgroundTask(scale, value=1.0)  # E: pos-only-as-kw
tasks = BackgroundTasks()
tasks.add_task(scale, 1.0, factor=0.5)
tasks.add_task(Plain())  # E: not-callable
