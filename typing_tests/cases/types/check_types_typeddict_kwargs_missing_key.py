"""A task with `**kwargs: Unpack[SomeTypedDict]` rejects a call that leaves out a required key."""

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
tasks.add_task(send_mail, "a@example.com", subject="hi")  # E: missing-arg
tasks.add_task(send_mail, "a@example.com", priority=1, cc="b@example.com")  # E: missing-arg

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(send_mail, "a@example.com", priority=1, subject="hi")
starlette_tasks.add_task(send_mail, "a@example.com")  # E: missing-arg
