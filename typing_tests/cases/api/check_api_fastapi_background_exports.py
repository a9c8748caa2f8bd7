"""fastapi.background exports BackgroundTasks but not starlette's single BackgroundTask."""

import fastapi.background
import starlette.background


def ping(host: str) -> None: ...


tasks = fastapi.background.BackgroundTasks()
single = starlette.background.BackgroundTask(ping, "x")
missing = fastapi.background.BackgroundTask  # E: attr
