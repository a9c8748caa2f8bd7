"""starlette add_task rejects a task that is not callable: an int, a str, None or a list of functions."""

from starlette.background import BackgroundTasks


def ping() -> None: ...


def send(address: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(ping)
tasks.add_task(send, "a@example.com")
tasks.add_task(1)  # E: not-callable
tasks.add_task("ping")  # E: not-callable
tasks.add_task(None)  # E: not-callable
tasks.add_task([ping])  # E: not-callable
tasks.add_task([send], "a@example.com")  # E: not-callable
tasks.add_task("send", "a@example.com")  # E: not-callable
