"""starlette add_task checks an async task's positional and keyword arguments against its signature."""

from starlette.background import BackgroundTasks


async def push(device: str, badge: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(push, "phone", 1)
tasks.add_task(push, "phone", badge=1)
tasks.add_task(push, badge=1, device="phone")
tasks.add_task(push, "phone", "1")  # E: arg-type
tasks.add_task(push, device=1, badge=1)  # E: arg-type
tasks.add_task(push, "phone")  # E: missing-arg
tasks.add_task(push, "phone", 1, 2)  # E: too-many-pos
tasks.add_task(push, "phone", 1, sound="ping")  # E: unknown-kw
tasks.add_task(push, "phone", 1, badge=2)  # E: dup-arg
