"""fastapi add_task knows that an unbound method's first argument must be an instance of its class."""

# static-only: `self` carries no annotation, so only the checker knows it must be a Mailer; the body never touches it

from fastapi.background import BackgroundTasks
from starlette.background import BackgroundTask


class Mailer:
    def send(self, address: str) -> None: ...


mailer = Mailer()
tasks = BackgroundTasks()
tasks.add_task(Mailer.send, mailer, "a@example.com")
tasks.add_task(Mailer.send, mailer, address="a@example.com")
tasks.add_task(Mailer.send, "a@example.com", "b@example.com")  # E: arg-type
BackgroundTask(Mailer.send, mailer, "a@example.com")
