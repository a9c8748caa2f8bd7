"""A task with `**kwargs: Unpack[SomeTypedDict]` rejects a value of the wrong type for a key."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from typing_extensions import NotRequired, TypedDict, Unpack


class MailOptions(TypedDict):
    subject: str
    priority: int
    cc: NotRequired[str]


def send_mail(address: str, **options: Unpack[MailOptions]) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send_mail, "a@example.com", subject="hi", priority=1)
tasks.add_task(send_mail, "a@example.com", subject="hi", priority="high")  # E: arg-type
tasks.add_task(send_mail, "a@example.com", subject="hi", priority=1, cc=None)  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(send_mail, "a@example.com", subject="hi", priority=1)
starlette_tasks.add_task(send_mail, "a@example.com", subject=3, priority=1)  # E: arg-type
