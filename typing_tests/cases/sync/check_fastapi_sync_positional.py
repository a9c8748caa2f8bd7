"""fastapi add_task checks a sync task's positional arguments against its signature."""

from fastapi import BackgroundTasks


def send_email(address: str, retries: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send_email, "a@example.com", 3)
tasks.add_task(send_email, "a@example.com", "3")  # E: arg-type
tasks.add_task(send_email, "a@example.com")  # E: missing-arg
tasks.add_task(send_email, "a@example.com", 3, 4)  # E: too-many-pos
