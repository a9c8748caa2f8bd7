"""fastapi add_task checks a class used as the task against its `__init__` signature."""

from fastapi import BackgroundTasks


class Thumbnail:
    def __init__(self, path: str, size: int = 128) -> None:
        self.path = path
        self.size = size


tasks = BackgroundTasks()
tasks.add_task(Thumbnail, "a.png")
tasks.add_task(Thumbnail, "a.png", 64)
tasks.add_task(Thumbnail, path="a.png", size=64)
tasks.add_task(Thumbnail)  # E: missing-arg
tasks.add_task(Thumbnail, "a.png", "64")  # E: arg-type
tasks.add_task(Thumbnail, "a.png", 64, 32)  # E: too-many-pos
tasks.add_task(Thumbnail, "a.png", width=64)  # E: unknown-kw
