"""starlette add_task and the BackgroundTask constructor check a class used as the task against its `__init__`."""

from dataclasses import dataclass

from starlette.background import BackgroundTask, BackgroundTasks


@dataclass
class AuditEntry:
    user_id: int
    action: str


class Empty:
    pass


tasks = BackgroundTasks()
tasks.add_task(AuditEntry, 1, "login")
tasks.add_task(AuditEntry, user_id=1, action="login")
tasks.add_task(AuditEntry, "1", "login")  # E: arg-type
tasks.add_task(AuditEntry, 1)  # E: missing-arg
tasks.add_task(Empty)
tasks.add_task(Empty, 1)  # E: too-many-pos
BackgroundTask(AuditEntry, 1, action="logout")
BackgroundTask(AuditEntry, 1, "login", user_id=2)  # E: dup-arg
BackgroundTask(Empty, name="x")  # E: unknown-kw
