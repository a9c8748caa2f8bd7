"""A task parameter typed with a Protocol accepts any object that has the protocol's methods."""

from typing import Protocol

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


class Sender(Protocol):
    def send(self, message: str) -> bool: ...


class EmailSender:
    def send(self, message: str) -> bool:
        return True


class SmsSender:
    def send(self, message: str) -> bool:
        return False

    def balance(self) -> int:
        return 0


def dispatch(sender: Sender, message: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(dispatch, EmailSender(), "hi")
tasks.add_task(dispatch, sender=SmsSender(), message="hi")

task = BackgroundTask(dispatch, SmsSender(), "hi")
keyword_task = BackgroundTask(dispatch, sender=EmailSender(), message="hi")
