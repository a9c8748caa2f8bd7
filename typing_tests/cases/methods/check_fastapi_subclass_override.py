"""fastapi add_task checks a subclass instance's bound method against the overriding signature, not the base one."""

from fastapi import BackgroundTasks


class Notifier:
    def send(self, to: str) -> None: ...


class SmsNotifier(Notifier):
    def send(self, to: str, urgent: bool = False) -> None: ...


base = Notifier()
sms = SmsNotifier()
tasks = BackgroundTasks()
tasks.add_task(sms.send, "+100")
tasks.add_task(sms.send, "+100", True)
tasks.add_task(sms.send, "+100", urgent=True)
tasks.add_task(base.send, "+100")
tasks.add_task(sms.send, "+100", "yes")  # E: arg-type
tasks.add_task(sms.send, "+100", True, 1)  # E: too-many-pos
tasks.add_task(base.send, "+100", True)  # E: too-many-pos
tasks.add_task(base.send, "+100", urgent=True)  # E: unknown-kw
