"""fastapi add_task rejects passing a sync task's positional-only parameters by keyword."""

from fastapi import BackgroundTasks


def archive(path: str, /, level: int) -> None: ...


def label(name: str, /, **extra: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(archive, "a.txt", 3)
tasks.add_task(archive, "a.txt", level=3)
tasks.add_task(archive, path="a.txt", level=3)  # E: pos-only-as-kw
tasks.add_task(archive, 3, "a.txt")  # E: arg-type
tasks.add_task(label, "x")
# A keyword with the same name as a positional-only parameter lands in **extra.
tasks.add_task(label, "x", name="y")
tasks.add_task(label, name="y")  # E: missing-arg, pyrefly=bad-argument-count
