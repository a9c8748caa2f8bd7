"""The BackgroundTask constructor checks extra arguments against an async task's *args and **kwargs annotations."""

from starlette.background import BackgroundTask


async def broadcast(room: str, *user_ids: int, **extra: str) -> None: ...


BackgroundTask(broadcast, "lobby")
BackgroundTask(broadcast, "lobby", 1, 2, 3)
BackgroundTask(broadcast, "lobby", 1, text="hi", lang="en")
BackgroundTask(broadcast, room="lobby", text="hi")
BackgroundTask(broadcast, "lobby", 1, 2.0)  # E: arg-type
BackgroundTask(broadcast, "lobby", text=3)  # E: arg-type
BackgroundTask(broadcast, "lobby", room="hall")  # E: dup-arg  # diverge: zuban-dup-arg-into-var-keyword
BackgroundTask(broadcast, text="hi")  # E: missing-arg
