"""starlette add_task and the BackgroundTask constructor reject arguments that match no overload of the task."""

from typing import overload

from starlette.background import BackgroundTask, BackgroundTasks


@overload
async def notify(user_id: int) -> None: ...
@overload
async def notify(user_id: int, channel: str, *, urgent: bool) -> None: ...
async def notify(user_id: int, channel: str = "mail", *, urgent: bool = False) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(notify, 1)
tasks.add_task(notify, 1, "sms", urgent=True)
tasks.add_task(notify, "1")  # E: arg-type  # diverge: pyrefly-overload-paramspec
tasks.add_task(notify, 1, "sms", True)  # E: kw-only-as-pos, mypy=arg-type, ty=too-many-positional-arguments  # diverge: pyrefly-overload-paramspec
BackgroundTask(notify, 1)
BackgroundTask(notify, 1, "sms", urgent=True)
BackgroundTask(notify, None)  # E: arg-type  # diverge: pyrefly-overload-paramspec
BackgroundTask(notify, 1, 2, 3, 4)  # E: too-many-pos, mypy=arg-type  # diverge: pyrefly-overload-paramspec
