"""fastapi add_task checks a bound method of a generic class with the class's type argument substituted."""

from typing import Generic, TypeVar

from fastapi import BackgroundTasks

T = TypeVar("T")


class Queue(Generic[T]):
    def put(self, item: T, priority: int = 0) -> None: ...

    async def put_async(self, item: T) -> None: ...


ints = Queue[int]()
strs = Queue[str]()
tasks = BackgroundTasks()
tasks.add_task(ints.put, 1)
tasks.add_task(ints.put, 1, priority=2)
tasks.add_task(strs.put, "a")
tasks.add_task(strs.put_async, "a")
tasks.add_task(ints.put, "1")  # E: arg-type
tasks.add_task(strs.put, 1)  # E: arg-type
tasks.add_task(ints.put_async, None)  # E: arg-type
tasks.add_task(ints.put, 1, 2, 3)  # E: too-many-pos
