"""BackgroundTask() and starlette add_task reject a task parameter given by position and then again by keyword."""

from starlette.background import BackgroundTask, BackgroundTasks


def send(address: str) -> None: ...


def retry(address: str, attempts: int = 1) -> None: ...


tasks = BackgroundTasks()
BackgroundTask(retry, "a@example.com", attempts=2)
tasks.add_task(retry, "a@example.com", attempts=2)
BackgroundTask(send, "a@example.com", address="b@example.com")  # E: dup-arg
BackgroundTask(retry, "a@example.com", 2, attempts=3)  # E: dup-arg
tasks.add_task(send, "a@example.com", address="b@example.com")  # E: dup-arg
tasks.add_task(retry, "a@example.com", 2, attempts=3)  # E: dup-arg
