"""starlette add_task checks extra arguments against a sync task's *args and **kwargs annotations."""

from starlette.background import BackgroundTasks


def record(event: str, *values: int, **labels: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(record, "hit")
tasks.add_task(record, "hit", 1, 2)
tasks.add_task(record, "hit", 1, host="a", path="/")
tasks.add_task(record, event="hit", host="a")
# A keyword named like the *values parameter is just another **labels entry.
tasks.add_task(record, "hit", values="x")
tasks.add_task(record, "hit", values=1)  # E: arg-type
tasks.add_task(record, "hit", 1, 2.5)  # E: arg-type
tasks.add_task(record, "hit", host=None)  # E: arg-type
tasks.add_task(record, "hit", event="miss")  # E: dup-arg  # diverge: zuban-dup-arg-into-var-keyword
tasks.add_task(record, host="a")  # E: missing-arg
