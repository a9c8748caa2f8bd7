"""The BackgroundTask constructor checks a sync task's positional arguments against its signature."""

from starlette.background import BackgroundTask


def send_sms(number: str, attempts: int) -> None: ...


BackgroundTask(send_sms, "+100", 2)
BackgroundTask(send_sms, "+100", "2")  # E: arg-type
BackgroundTask(send_sms, 100, 2)  # E: arg-type
BackgroundTask(send_sms, "+100")  # E: missing-arg
BackgroundTask(send_sms)  # E: missing-arg
BackgroundTask(send_sms, "+100", 2, 3)  # E: too-many-pos
