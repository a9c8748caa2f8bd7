"""The BackgroundTask constructor rejects passing a sync task's keyword-only parameters by position."""

from starlette.background import BackgroundTask


def publish(topic: str, *, payload: str, retain: bool = False) -> None: ...


BackgroundTask(publish, "news", payload="hi")
BackgroundTask(publish, "news", payload="hi", retain=True)
BackgroundTask(publish, topic="news", payload="hi")
BackgroundTask(publish, "news", "hi")  # E: kw-only-as-pos
BackgroundTask(publish, "news", "hi", True)  # E: kw-only-as-pos, pyrefly=bad-argument-count+unexpected-positional-argument
BackgroundTask(publish, "news")  # E: missing-arg
BackgroundTask(publish, "news", payload=b"hi")  # E: arg-type
