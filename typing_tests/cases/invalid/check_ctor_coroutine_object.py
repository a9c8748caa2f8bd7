"""BackgroundTask() rejects a coroutine object passed where the async function itself belongs."""

from starlette.background import BackgroundTask


async def refresh() -> None: ...


async def fetch(url: str, timeout: float = 1.0) -> None: ...


BackgroundTask(refresh)
BackgroundTask(fetch, "https://example.com")
BackgroundTask(fetch, "https://example.com", timeout=2.0)
BackgroundTask(refresh())  # E: not-callable
BackgroundTask(fetch("https://example.com"))  # E: not-callable
BackgroundTask(fetch("https://example.com"), "https://example.com")  # E: not-callable
BackgroundTask(func=refresh())  # E: not-callable
