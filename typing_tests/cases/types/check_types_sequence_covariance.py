"""A list[int] is accepted for a Sequence[float] task parameter, because Sequence is covariant."""

from collections.abc import Sequence

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


def average(values: Sequence[float]) -> None: ...


ints: list[int] = [1, 2]
bools: tuple[bool, ...] = (True, False)
names: list[str] = ["a"]

tasks = BackgroundTasks()
tasks.add_task(average, ints)
tasks.add_task(average, values=bools)
tasks.add_task(average, names)  # E: arg-type

task = BackgroundTask(average, ints)
keyword_task = BackgroundTask(average, values=ints)
bad_task = BackgroundTask(average, names)  # E: arg-type
