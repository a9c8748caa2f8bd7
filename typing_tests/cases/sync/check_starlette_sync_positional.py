"""starlette add_task checks a sync task's positional arguments against its signature."""

from starlette.background import BackgroundTasks


def write_log(path: str, line: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(write_log, "app.log", 3)
tasks.add_task(write_log, "app.log", "3")  # E: arg-type
tasks.add_task(write_log, 3, "app.log")  # E: arg-type
tasks.add_task(write_log, "app.log")  # E: missing-arg
tasks.add_task(write_log)  # E: missing-arg
tasks.add_task(write_log, "app.log", 3, 4)  # E: too-many-pos
