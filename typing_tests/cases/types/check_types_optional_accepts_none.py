"""None is accepted for a task parameter typed `X | None`, and so is an X."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def notify(user: str, channel: str | None, delay: float | None = None) -> None: ...


fastapi_tasks = FastAPIBackgroundTasks()
fastapi_tasks.add_task(notify, "ada", None)
fastapi_tasks.add_task(notify, "ada", "email")
fastapi_tasks.add_task(notify, "ada", channel=None, delay=None)
fastapi_tasks.add_task(notify, "ada", None, 1.5)
fastapi_tasks.add_task(notify, "ada", 3)  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(notify, "ada", None)
starlette_tasks.add_task(notify, user="ada", channel=None, delay=None)
starlette_tasks.add_task(notify, None, None)  # E: arg-type
