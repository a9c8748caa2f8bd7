"""fastapi add_task rejects a task parameter given by position and then again by keyword."""

from fastapi import BackgroundTasks


def send(address: str) -> None: ...


def retry(address: str, attempts: int = 1) -> None: ...


def mixed(a: int, /, b: int, *, c: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send, "a@example.com")
tasks.add_task(retry, "a@example.com", attempts=2)
tasks.add_task(mixed, 1, b=2, c=3)
tasks.add_task(send, "a@example.com", address="b@example.com")  # E: dup-arg
tasks.add_task(retry, "a@example.com", 2, attempts=3)  # E: dup-arg
tasks.add_task(retry, "a@example.com", 2, address="b@example.com")  # E: dup-arg
tasks.add_task(mixed, 1, 2, b=2, c=3)  # E: dup-arg
