"""fastapi add_task checks an async task's positional and keyword arguments against its signature."""

from fastapi import BackgroundTasks


async def send_email(address: str, retries: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send_email, "a@example.com", 3)
tasks.add_task(send_email, "a@example.com", retries=3)
tasks.add_task(send_email, retries=3, address="a@example.com")
tasks.add_task(send_email, "a@example.com", "3")  # E: arg-type
tasks.add_task(send_email, address="a@example.com", retries="3")  # E: arg-type
tasks.add_task(send_email, "a@example.com")  # E: missing-arg
tasks.add_task(send_email, "a@example.com", 3, 4)  # E: too-many-pos
tasks.add_task(send_email, "a@example.com", 3, cc="b@example.com")  # E: unknown-kw
tasks.add_task(send_email, "a@example.com", 3, address="b@example.com")  # E: dup-arg
