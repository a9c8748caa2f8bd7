"""fastapi add_task checks an instance with an `async def __call__` against `__call__`'s signature."""

from fastapi import BackgroundTasks


class Notifier:
    async def __call__(self, user_id: int, message: str = "") -> None: ...


notify = Notifier()
tasks = BackgroundTasks()
tasks.add_task(notify, 1)
tasks.add_task(notify, 1, "hi")
tasks.add_task(notify, user_id=1, message="hi")
tasks.add_task(notify, "1")  # E: arg-type
tasks.add_task(notify)  # E: missing-arg
tasks.add_task(notify, 1, "hi", "again")  # E: too-many-pos
tasks.add_task(notify, 1, user_id=2)  # E: dup-arg
