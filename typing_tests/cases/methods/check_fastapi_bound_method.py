"""fastapi add_task checks a sync bound method's arguments against its signature without `self`."""

from fastapi import BackgroundTasks


class Mailer:
    def send(self, address: str, retries: int = 3) -> None: ...


mailer = Mailer()
tasks = BackgroundTasks()
tasks.add_task(mailer.send, "a@example.com")
tasks.add_task(mailer.send, "a@example.com", 5)
tasks.add_task(mailer.send, address="a@example.com", retries=5)
tasks.add_task(mailer.send, "a@example.com", "5")  # E: arg-type
tasks.add_task(mailer.send)  # E: missing-arg
tasks.add_task(mailer.send, mailer, "a@example.com")  # E: arg-type
tasks.add_task(mailer.send, "a@example.com", 5, 6)  # E: too-many-pos
tasks.add_task(mailer.send, "a@example.com", timeout=5)  # E: unknown-kw
