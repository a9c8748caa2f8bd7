"""fastapi add_task lets an async task's defaulted parameters be omitted but still checks their types."""

from fastapi import BackgroundTasks


async def refresh(key: str, ttl: int = 60, region: str | None = None) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(refresh, "k")
tasks.add_task(refresh, "k", 120)
tasks.add_task(refresh, "k", 120, "eu")
tasks.add_task(refresh, "k", region=None)
tasks.add_task(refresh, "k", "120")  # E: arg-type
tasks.add_task(refresh, "k", region=1)  # E: arg-type
tasks.add_task(refresh)  # E: missing-arg
tasks.add_task(refresh, "k", 120, "eu", 1)  # E: too-many-pos
tasks.add_task(refresh, "k", 120, ttl=30)  # E: dup-arg
