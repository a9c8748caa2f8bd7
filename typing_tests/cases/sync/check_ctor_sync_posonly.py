"""The BackgroundTask constructor rejects passing a sync task's positional-only parameters by keyword."""

from starlette.background import BackgroundTask


def rotate(key_id: str, /, days: int) -> None: ...


BackgroundTask(rotate, "k1", 30)
BackgroundTask(rotate, "k1", days=30)
BackgroundTask(rotate, key_id="k1", days=30)  # E: pos-only-as-kw
BackgroundTask(rotate, 1, days=30)  # E: arg-type
BackgroundTask(rotate, days=30)  # E: missing-arg, pyrefly=bad-argument-count
