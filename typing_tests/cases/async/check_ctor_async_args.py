"""The BackgroundTask constructor checks an async task's positional and keyword arguments against its signature."""

from starlette.background import BackgroundTask


async def ping(host: str, port: int) -> None: ...


BackgroundTask(ping, "example.com", 443)
BackgroundTask(ping, "example.com", port=443)
BackgroundTask(ping, port=443, host="example.com")
BackgroundTask(ping, "example.com", "443")  # E: arg-type
BackgroundTask(ping, host=None, port=443)  # E: arg-type
BackgroundTask(ping, "example.com")  # E: missing-arg
BackgroundTask(ping, "example.com", 443, 5)  # E: too-many-pos
BackgroundTask(ping, "example.com", 443, timeout=5)  # E: unknown-kw
BackgroundTask(ping, "example.com", 443, host="example.org")  # E: dup-arg
