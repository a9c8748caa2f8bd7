"""starlette add_task checks a sync task's keyword arguments against its parameter names and types."""

from starlette.background import BackgroundTasks


def audit(actor: str, action: str, count: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(audit, actor="ann", action="login", count=1)
tasks.add_task(audit, count=1, action="login", actor="ann")
tasks.add_task(audit, "ann", "login", count=1)
tasks.add_task(audit, "ann", action="login", count="1")  # E: arg-type
tasks.add_task(audit, actor="ann", action="login")  # E: missing-arg
tasks.add_task(audit, actor="ann", action="login", count=1, ip="::1")  # E: unknown-kw
tasks.add_task(audit, "ann", "login", 1, action="logout")  # E: dup-arg
