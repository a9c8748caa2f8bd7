"""The BackgroundTask constructor and starlette add_task check a staticmethod's arguments."""

from starlette.background import BackgroundTask, BackgroundTasks


class Codec:
    @staticmethod
    def encode(data: bytes, /, level: int = 6) -> None: ...


BackgroundTask(Codec.encode, b"x")
BackgroundTask(Codec.encode, b"x", level=9)
BackgroundTask(Codec.encode, data=b"x")  # E: pos-only-as-kw
BackgroundTask(Codec.encode, "x")  # E: arg-type
tasks = BackgroundTasks()
tasks.add_task(Codec().encode, b"x", 1)
tasks.add_task(Codec().encode, b"x", 1, 2)  # E: too-many-pos
