"""fastapi add_task checks extra arguments against an async task's *args and **kwargs annotations."""

from fastapi import BackgroundTasks


async def emit(channel: str, *ids: int, **headers: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(emit, "c")
tasks.add_task(emit, "c", 1, 2, 3)
tasks.add_task(emit, "c", 1, trace="t1", origin="api")
tasks.add_task(emit, channel="c", trace="t1")
tasks.add_task(emit, "c", 1, "2")  # E: arg-type
tasks.add_task(emit, "c", trace=1)  # E: arg-type
tasks.add_task(emit, "c", channel="d")  # E: dup-arg  # diverge: zuban-dup-arg-into-var-keyword
tasks.add_task(emit, trace="t1")  # E: missing-arg
