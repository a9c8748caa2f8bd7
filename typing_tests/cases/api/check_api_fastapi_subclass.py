"""fastapi's BackgroundTasks is a subclass of starlette's, which is a subclass of BackgroundTask; not the other way round."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping(host: str) -> None: ...


as_starlette: StarletteBackgroundTasks = FastAPIBackgroundTasks()
as_task: BackgroundTask = FastAPIBackgroundTasks()
starlette_as_task: BackgroundTask = StarletteBackgroundTasks()


def schedule(tasks: StarletteBackgroundTasks) -> None:
    tasks.add_task(ping, "localhost")


schedule(FastAPIBackgroundTasks())
schedule(StarletteBackgroundTasks())
schedule(BackgroundTask(ping, "a"))  # E: arg-type
