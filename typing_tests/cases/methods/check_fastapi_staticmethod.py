"""fastapi add_task checks a staticmethod's arguments, through the class or through an instance."""

from fastapi import BackgroundTasks


class Tools:
    @staticmethod
    def resize(path: str, width: int, height: int) -> None: ...

    @staticmethod
    async def upload(path: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(Tools.resize, "a.png", 10, 20)
tasks.add_task(Tools().resize, "a.png", width=10, height=20)
tasks.add_task(Tools.upload, "a.png")
tasks.add_task(Tools.resize, "a.png", 10)  # E: missing-arg
tasks.add_task(Tools.resize, "a.png", 10, "20")  # E: arg-type
tasks.add_task(Tools().resize, "a.png", 10, 20, 30)  # E: too-many-pos
tasks.add_task(Tools.upload, b"a.png")  # E: arg-type
