"""The BackgroundTask constructor accepts an async task whatever it returns, and still checks its arguments."""

from starlette.background import BackgroundTask


async def checksum(data: bytes) -> int:
    return len(data)


async def parse(text: str) -> tuple[int, str]:
    return (0, text)


BackgroundTask(checksum, b"abc")
BackgroundTask(parse, "x")
BackgroundTask(checksum, "abc")  # E: arg-type
BackgroundTask(parse)  # E: missing-arg
