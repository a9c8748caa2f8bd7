"""starlette add_task accepts an async task whatever it returns, and still checks its arguments."""

from starlette.background import BackgroundTasks


async def score(player: str) -> int:
    return len(player)


async def lookup(ids: list[int]) -> dict[int, str]:
    return {}


tasks = BackgroundTasks()
tasks.add_task(score, "ann")
tasks.add_task(lookup, [1, 2])
tasks.add_task(score, 1)  # E: arg-type
tasks.add_task(lookup, [1], [2])  # E: too-many-pos
