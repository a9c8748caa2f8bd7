"""The BackgroundTask constructor checks a bound method of a generic class with its type argument substituted."""

from typing import Generic, TypeVar

from starlette.background import BackgroundTask, BackgroundTasks

K = TypeVar("K")
V = TypeVar("V")


class Registry(Generic[K, V]):
    def register(self, key: K, value: V) -> None: ...


registry = Registry[str, float]()
BackgroundTask(registry.register, "pi", 3.14)
BackgroundTask(registry.register, "one", 1)
BackgroundTask(registry.register, 3.14, "pi")  # E: arg-type
BackgroundTask(registry.register, "pi")  # E: missing-arg
tasks = BackgroundTasks()
tasks.add_task(registry.register, key="e", value=2.71)
tasks.add_task(registry.register, key="e", value="2.71")  # E: arg-type
