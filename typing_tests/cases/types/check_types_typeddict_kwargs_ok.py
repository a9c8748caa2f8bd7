"""A task with `**kwargs: Unpack[SomeTypedDict]` accepts the dict's keys with the right types."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from typing_extensions import NotRequired, TypedDict, Unpack


class MailOptions(TypedDict):
    subject: str
    priority: int
    cc: NotRequired[str]


def send_mail(address: str, **options: Unpack[MailOptions]) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send_mail, "a@example.com", subject="hi", priority=1)
tasks.add_task(send_mail, "a@example.com", subject="hi", priority=1, cc="b@example.com")
tasks.add_task(send_mail, address="a@example.com", priority=2, subject="hi")

task = BackgroundTask(send_mail, "a@example.com", subject="hi", priority=1)
full_task = BackgroundTask(send_mail, "a@example.com", subject="hi", priority=1, cc="c@example.com")
