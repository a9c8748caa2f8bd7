"""A list[int] is rejected for a list[float] task parameter, because list is invariant."""

# static-only: list invariance is a static rule: at run time a list of ints is a valid list of floats

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def average(values: list[float]) -> None: ...


floats: list[float] = [1.0, 2.5]
ints: list[int] = [1, 2]

fastapi_tasks = FastAPIBackgroundTasks()
fastapi_tasks.add_task(average, floats)
# A fresh list display is inferred from the parameter, so it is a list[float].
fastapi_tasks.add_task(average, [1, 2])
fastapi_tasks.add_task(average, ints)  # E: arg-type
fastapi_tasks.add_task(average, values=ints)  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(average, values=floats)
starlette_tasks.add_task(average, values=[1, 2])
starlette_tasks.add_task(average, ints)  # E: arg-type
