"""fastapi add_task checks a method taken from the class, so the instance must be passed as the first argument."""

from fastapi.background import BackgroundTasks
from starlette.background import BackgroundTask


class Mailer:
    def send(self, address: str) -> None: ...


mailer = Mailer()
tasks = BackgroundTasks()
tasks.add_task(Mailer.send, mailer, "a@example.com")
tasks.add_task(Mailer.send, mailer, address="a@example.com")
tasks.add_task(Mailer.send, mailer)  # E: missing-arg
BackgroundTask(Mailer.send, mailer, "a@example.com")
BackgroundTask(Mailer.send, mailer, 1)  # E: arg-type
