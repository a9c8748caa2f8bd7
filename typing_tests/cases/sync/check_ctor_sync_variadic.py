"""The BackgroundTask constructor checks extra arguments against a sync task's *args and **kwargs annotations."""

from starlette.background import BackgroundTask


def sample(name: str, *points: int, **meta: str) -> None: ...


BackgroundTask(sample, "cpu")
BackgroundTask(sample, "cpu", 1, 2, 3)
BackgroundTask(sample, "cpu", 1, unit="pct")
BackgroundTask(sample, name="cpu", unit="pct")
BackgroundTask(sample, "cpu", 1, "2")  # E: arg-type
BackgroundTask(sample, "cpu", unit=1)  # E: arg-type
BackgroundTask(sample, "cpu", name="mem")  # E: dup-arg  # diverge: zuban-dup-arg-into-var-keyword
BackgroundTask(sample)  # E: missing-arg
