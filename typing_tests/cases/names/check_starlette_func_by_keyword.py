"""starlette add_task accepts the task itself as `func=`, with or without further keyword arguments."""

from starlette.background import BackgroundTasks


def ping() -> None: ...


def send(address: str, retries: int = 0) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(func=ping)
tasks.add_task(func=send, address="a@example.com")
tasks.add_task(func=send, address="a@example.com", retries=3)
tasks.add_task(func=send, retries=3, address="a@example.com")
tasks.add_task(func=send)  # E: missing-arg  # diverge: pyrefly-func-by-keyword
tasks.add_task(func=send, address=1)  # E: arg-type  # diverge: pyrefly-func-by-keyword
tasks.add_task(func=send, address="a@example.com", extra=1)  # E: unknown-kw  # diverge: pyrefly-func-by-keyword
tasks.add_task(func=ping, retries=3)  # E: unknown-kw  # diverge: pyrefly-func-by-keyword
tasks.add_task(func=1)  # E: not-callable
