"""starlette add_task and the BackgroundTask constructor check an async bound method's arguments."""

from starlette.background import BackgroundTask, BackgroundTasks


class Store:
    async def save(self, key: str, value: bytes) -> None: ...


store = Store()
tasks = BackgroundTasks()
tasks.add_task(store.save, "k", b"v")
tasks.add_task(store.save, "k", value=b"v")
tasks.add_task(store.save, "k", "v")  # E: arg-type
tasks.add_task(store.save, "k", b"v", b"w")  # E: too-many-pos
BackgroundTask(store.save, "k", b"v")
BackgroundTask(store.save, "k")  # E: missing-arg
BackgroundTask(store.save, "k", data=b"v")  # E: unknown-kw, pyrefly=missing-argument+unexpected-keyword, ty=missing-argument+unknown-argument
