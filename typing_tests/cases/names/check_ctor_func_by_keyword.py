"""BackgroundTask() accepts the task itself as `func=`, with or without further keyword arguments."""

from starlette.background import BackgroundTask


def ping() -> None: ...


def send(address: str, retries: int = 0) -> None: ...


BackgroundTask(func=ping)
BackgroundTask(func=send, address="a@example.com")
BackgroundTask(func=send, address="a@example.com", retries=3)
BackgroundTask(func=send, retries=3, address="a@example.com")
BackgroundTask(func=send)  # E: missing-arg  # diverge: pyrefly-func-by-keyword
BackgroundTask(func=send, address=1)  # E: arg-type  # diverge: pyrefly-func-by-keyword
BackgroundTask(func=send, address="a@example.com", extra=1)  # E: unknown-kw  # diverge: pyrefly-func-by-keyword
BackgroundTask(func=ping, retries=3)  # E: unknown-kw  # diverge: pyrefly-func-by-keyword
BackgroundTask(func=1)  # E: not-callable
