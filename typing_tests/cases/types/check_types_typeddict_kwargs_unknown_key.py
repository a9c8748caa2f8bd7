"""A task with `**kwargs: Unpack[SomeTypedDict]` rejects a keyword that is not a key of the dict."""

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
tasks.add_task(send_mail, "a@example.com", subject="hi", priority=1, bcc="b@example.com")  # E: unknown-kw  # diverge: unpack-typeddict-unknown-key

task = BackgroundTask(send_mail, "a@example.com", subject="hi", priority=1, cc="c@example.com")
bad_task = BackgroundTask(send_mail, "a@example.com", subject="hi", priority=1, urgent=True)  # E: unknown-kw  # diverge: unpack-typeddict-unknown-key
