"""fastapi add_task lets a sync task's defaulted parameters be omitted but still checks their types."""

from fastapi import BackgroundTasks


def resize(path: str, width: int = 100, mode: str = "fit", quality: int | None = None) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(resize, "a.png")
tasks.add_task(resize, "a.png", 200)
tasks.add_task(resize, "a.png", 200, "crop", 90)
tasks.add_task(resize, "a.png", mode="crop")
tasks.add_task(resize, "a.png", quality=None)
tasks.add_task(resize, "a.png", "200")  # E: arg-type
tasks.add_task(resize, "a.png", width="200")  # E: arg-type
tasks.add_task(resize, "a.png", quality="high")  # E: arg-type
tasks.add_task(resize)  # E: missing-arg
tasks.add_task(resize, "a.png", 200, "crop", 90, 1)  # E: too-many-pos
tasks.add_task(resize, "a.png", height=50)  # E: unknown-kw
