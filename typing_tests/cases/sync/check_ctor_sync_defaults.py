"""The BackgroundTask constructor lets a sync task's defaulted parameters be omitted but still checks their types."""

from starlette.background import BackgroundTask


def backup(source: str, keep: int = 7, target: str | None = None) -> None: ...


BackgroundTask(backup, "db")
BackgroundTask(backup, "db", 30)
BackgroundTask(backup, "db", 30, "s3://bucket")
BackgroundTask(backup, "db", target=None)
BackgroundTask(backup, source="db", keep=1)
BackgroundTask(backup, "db", "30")  # E: arg-type
BackgroundTask(backup, "db", target=5)  # E: arg-type
BackgroundTask(backup)  # E: missing-arg
BackgroundTask(backup, "db", 30, None, 1)  # E: too-many-pos
BackgroundTask(backup, "db", 30, keep=1)  # E: dup-arg
