"""The BackgroundTask constructor enforces an async task's positional-only and keyword-only markers."""

from starlette.background import BackgroundTask


async def transcode(source: str, /, codec: str, *, bitrate: int) -> None: ...


BackgroundTask(transcode, "a.mov", "h264", bitrate=800)
BackgroundTask(transcode, "a.mov", codec="h264", bitrate=800)
BackgroundTask(transcode, source="a.mov", codec="h264", bitrate=800)  # E: pos-only-as-kw
BackgroundTask(transcode, "a.mov", "h264", 800)  # E: kw-only-as-pos
BackgroundTask(transcode, "a.mov", "h264")  # E: missing-arg
BackgroundTask(transcode, "a.mov", "h264", bitrate="800k")  # E: arg-type
