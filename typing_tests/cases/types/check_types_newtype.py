"""A NewType task parameter accepts the NewType but rejects its plain base type; the NewType is accepted for the base."""

# static-only: NewType is erased at run time, so a plain int and a UserId are the same object

from typing import NewType

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask

UserId = NewType("UserId", int)


def deactivate(user_id: UserId) -> None: ...


def audit(count: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(deactivate, UserId(7))
tasks.add_task(deactivate, user_id=UserId(7))
tasks.add_task(audit, UserId(7))
tasks.add_task(deactivate, 7)  # E: arg-type
tasks.add_task(deactivate, user_id=7)  # E: arg-type

task = BackgroundTask(deactivate, UserId(8))
base_task = BackgroundTask(audit, count=UserId(8))
bad_task = BackgroundTask(deactivate, 8)  # E: arg-type
