"""starlette add_task lets a sync task's defaulted parameters be omitted but still checks their types."""

from starlette.background import BackgroundTasks


def compress(path: str, level: int = 6, suffix: str = ".gz") -> None: ...


tasks = BackgroundTasks()
tasks.add_task(compress, "a.txt")
tasks.add_task(compress, "a.txt", 9)
tasks.add_task(compress, "a.txt", 9, ".bz2")
tasks.add_task(compress, "a.txt", suffix=".xz")
tasks.add_task(compress, path="a.txt", level=1)
tasks.add_task(compress, "a.txt", "9")  # E: arg-type
tasks.add_task(compress, "a.txt", suffix=2)  # E: arg-type
tasks.add_task(compress)  # E: missing-arg
tasks.add_task(compress, "a.txt", 9, ".bz2", True)  # E: too-many-pos
tasks.add_task(compress, "a.txt", 9, level=1)  # E: dup-arg
