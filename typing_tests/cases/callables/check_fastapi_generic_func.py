"""fastapi add_task solves a generic task's TypeVar from the arguments and rejects arguments that contradict it."""

from collections.abc import Sequence
from typing import TypeVar

from fastapi import BackgroundTasks

T = TypeVar("T")
N = TypeVar("N", bound=float)


def append(items: list[T], item: T) -> None:
    items.append(item)


def clamp(value: N, limit: N) -> N:
    return min(value, limit)


def first(items: Sequence[T]) -> T:
    return items[0]


ints: list[int] = [1]
tasks = BackgroundTasks()
tasks.add_task(append, ints, 2)
tasks.add_task(first, ["a", "b"])
tasks.add_task(clamp, 1, 2)
tasks.add_task(clamp, 1.5, 2)
tasks.add_task(clamp, "1", "2")  # E: arg-type, pyrefly=bad-specialization  # diverge: mypy-paramspec-typevar-bound-unchecked
tasks.add_task(first, 3)  # E: arg-type
