"""fastapi add_task and starlette add_task check generic tasks declared with PEP 695 type parameter syntax."""

from collections.abc import Sized

from fastapi import BackgroundTasks
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


def append[T](items: list[T], item: T) -> None:
    items.append(item)


def join[S: (str, bytes)](a: S, b: S) -> S:
    return a + b


def longest[T: Sized](a: T, b: T) -> T:
    return a if len(a) >= len(b) else b


ints: list[int] = [1]
tasks = BackgroundTasks()
tasks.add_task(append, ints, 2)
tasks.add_task(join, "a", "b")
tasks.add_task(longest, "ab", "c")
tasks.add_task(append, ints, "2")  # E: arg-type
tasks.add_task(join, "a", b"b")  # E: arg-type  # diverge: mypy-paramspec-typevar-bound-unchecked, zuban-constrained-typevar-mixed
tasks.add_task(longest, 1, 2)  # E: arg-type, pyrefly=bad-specialization  # diverge: mypy-paramspec-typevar-bound-unchecked
other = StarletteBackgroundTasks()
other.add_task(join, b"a", b"b")
other.add_task(longest, [1], [2, 3])
other.add_task(join, 1.0, 2.0)  # E: arg-type, pyrefly=bad-specialization  # diverge: mypy-paramspec-typevar-bound-unchecked
other.add_task(longest, "a")  # E: missing-arg, mypy=arg-type
