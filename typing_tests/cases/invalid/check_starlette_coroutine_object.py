"""starlette add_task rejects a coroutine object passed where the async function itself belongs."""

from starlette.background import BackgroundTasks


async def refresh() -> None: ...


async def fetch(url: str, timeout: float = 1.0) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(refresh)
tasks.add_task(fetch, "https://example.com")
tasks.add_task(fetch, "https://example.com", timeout=2.0)
tasks.add_task(refresh())  # E: not-callable
tasks.add_task(fetch("https://example.com"))  # E: not-callable
tasks.add_task(fetch("https://example.com"), "https://example.com")  # E: not-callable
tasks.add_task(func=refresh())  # E: not-callable
