"""The sample every checker's output is recorded on: wrong calls of add_task, and a correct one."""

from starlette.background import BackgroundTasks


def send(address: str, retries: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send, "a@example.com", 3)
tasks.add_task(send, "a@example.com", "3")  # E: arg-type
tasks.add_task(send, "a@example.com")  # E: missing-arg
tasks.add_task(send, "a@example.com", 3, 4)  # E: too-many-pos
tasks.add_task(send, "a@example.com", 3, colour=1)  # E: unknown-kw
