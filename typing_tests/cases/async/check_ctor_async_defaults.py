"""The BackgroundTask constructor lets an async task's defaulted parameters be omitted but still checks their types."""

from starlette.background import BackgroundTask


async def export(report: str, rows: int = 1000, fmt: str = "csv") -> None: ...


BackgroundTask(export, "sales")
BackgroundTask(export, "sales", 10)
BackgroundTask(export, "sales", 10, "json")
BackgroundTask(export, "sales", fmt="json")
BackgroundTask(export, "sales", "10")  # E: arg-type
BackgroundTask(export, "sales", fmt=1)  # E: arg-type
BackgroundTask(export)  # E: missing-arg
BackgroundTask(export, "sales", 10, "json", True)  # E: too-many-pos
BackgroundTask(export, "sales", 10, rows=5)  # E: dup-arg
