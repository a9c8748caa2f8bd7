"""BackgroundTasks takes an optional sequence of BackgroundTask, by position or as `tasks=`."""

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def ping(host: str) -> None: ...


first = BackgroundTask(ping, "a")
second = BackgroundTask(ping, "b")

empty = StarletteBackgroundTasks()
none_given = StarletteBackgroundTasks(None)
by_keyword = StarletteBackgroundTasks(tasks=[BackgroundTask(ping, "localhost")])
by_position = StarletteBackgroundTasks([first, second])
from_tuple = StarletteBackgroundTasks((first, second))
nested = StarletteBackgroundTasks([first, by_position])

fastapi_empty = FastAPIBackgroundTasks()
fastapi_by_keyword = FastAPIBackgroundTasks(tasks=[BackgroundTask(ping, "localhost")])
fastapi_by_position = FastAPIBackgroundTasks((first,))
