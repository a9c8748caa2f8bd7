"""fastapi add_task checks extra arguments against a sync task's *args and **kwargs annotations."""

from fastapi import BackgroundTasks


def tally(label: str, *counts: int, **tags: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(tally, "x")
tasks.add_task(tally, "x", 1, 2, 3)
tasks.add_task(tally, "x", 1, env="prod", region="eu")
tasks.add_task(tally, label="x", env="prod")
tasks.add_task(tally, "x", 1, "2")  # E: arg-type
tasks.add_task(tally, "x", env=1)  # E: arg-type
tasks.add_task(tally, "x", label="y")  # E: dup-arg  # diverge: zuban-dup-arg-into-var-keyword
tasks.add_task(tally)  # E: missing-arg
