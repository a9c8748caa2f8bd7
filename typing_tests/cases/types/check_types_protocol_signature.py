"""A task parameter typed with a Protocol rejects an object whose method has the wrong signature."""

# static-only: at run time a Protocol match only checks that the method exists, not its signature

from typing import Protocol

from fastapi import BackgroundTasks
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


class Sender(Protocol):
    def send(self, message: str) -> bool: ...


class EmailSender:
    def send(self, message: str) -> bool:
        return True


class Pigeon:
    def fly(self, message: str) -> bool:
        return True


class NumberSender:
    def send(self, message: int) -> bool:
        return True


def dispatch(sender: Sender, message: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(dispatch, EmailSender(), "hi")
tasks.add_task(dispatch, sender=NumberSender(), message="hi")  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(dispatch, EmailSender(), "hi")
