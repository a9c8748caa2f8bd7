"""starlette add_task lets an async task's defaulted parameters be omitted but still checks their types."""

from starlette.background import BackgroundTasks


async def warm_cache(prefix: str, depth: int = 1, tag: str = "default") -> None: ...


tasks = BackgroundTasks()
tasks.add_task(warm_cache, "home")
tasks.add_task(warm_cache, "home", 2)
tasks.add_task(warm_cache, "home", 2, "hot")
tasks.add_task(warm_cache, "home", tag="hot")
tasks.add_task(warm_cache, "home", "2")  # E: arg-type
tasks.add_task(warm_cache, "home", tag=None)  # E: arg-type
tasks.add_task(warm_cache)  # E: missing-arg
tasks.add_task(warm_cache, "home", 2, "hot", 3)  # E: too-many-pos
tasks.add_task(warm_cache, "home", colour="red")  # E: unknown-kw
