"""The BackgroundTask constructor and fastapi add_task reject arguments that fit none of a constrained TypeVar's types."""

from typing import TypeVar

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask

S = TypeVar("S", str, bytes)


def concat(a: S, b: S) -> S:
    return a + b


BackgroundTask(concat, "a", "b")
BackgroundTask(concat, b"a", b"b")
BackgroundTask(concat, "a", b"b")  # E: arg-type  # diverge: mypy-paramspec-typevar-bound-unchecked, zuban-constrained-typevar-mixed
BackgroundTask(concat, 1, 2)  # E: arg-type, pyrefly=bad-specialization  # diverge: mypy-paramspec-typevar-bound-unchecked
tasks = BackgroundTasks()
tasks.add_task(concat, a="a", b="b")
tasks.add_task(concat, b"a", "b")  # E: arg-type  # diverge: mypy-paramspec-typevar-bound-unchecked, zuban-constrained-typevar-mixed
tasks.add_task(concat, [1], [2])  # E: arg-type, pyrefly=bad-specialization  # diverge: mypy-paramspec-typevar-bound-unchecked
