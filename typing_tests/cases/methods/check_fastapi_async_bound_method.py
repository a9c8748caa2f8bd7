"""fastapi add_task checks an async bound method's arguments against its signature without `self`."""

from fastapi import BackgroundTasks


class Cache:
    async def invalidate(self, key: str, *, cascade: bool = False) -> None: ...


cache = Cache()
tasks = BackgroundTasks()
tasks.add_task(cache.invalidate, "user:1")
tasks.add_task(cache.invalidate, "user:1", cascade=True)
tasks.add_task(cache.invalidate, 1)  # E: arg-type
tasks.add_task(cache.invalidate, "user:1", True)  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
tasks.add_task(cache.invalidate, "user:1", cascade="yes")  # E: arg-type
tasks.add_task(cache.invalidate)  # E: missing-arg
