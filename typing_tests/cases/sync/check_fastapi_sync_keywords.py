"""fastapi add_task checks a sync task's keyword arguments against its parameter names and types."""

from fastapi import BackgroundTasks


def notify(user_id: int, message: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(notify, user_id=1, message="hello")
tasks.add_task(notify, message="hello", user_id=1)
tasks.add_task(notify, 1, message="hello")
tasks.add_task(notify, user_id="1", message="hello")  # E: arg-type
tasks.add_task(notify, 1, message=2)  # E: arg-type
tasks.add_task(notify, user_id=1)  # E: missing-arg
tasks.add_task(notify, user_id=1, message="hello", urgent=True)  # E: unknown-kw
tasks.add_task(notify, 1, user_id=1, message="hello")  # E: dup-arg
