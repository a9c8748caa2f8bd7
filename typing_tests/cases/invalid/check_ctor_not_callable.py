"""BackgroundTask() rejects a task that is not callable: an int, a str, None or a list of functions."""

from starlette.background import BackgroundTask


def ping() -> None: ...


def send(address: str) -> None: ...


BackgroundTask(ping)
BackgroundTask(send, "a@example.com")
BackgroundTask(1)  # E: not-callable
BackgroundTask("ping")  # E: not-callable
BackgroundTask(None)  # E: not-callable
BackgroundTask([ping])  # E: not-callable
BackgroundTask([send], "a@example.com")  # E: not-callable
BackgroundTask("send", "a@example.com")  # E: not-callable
