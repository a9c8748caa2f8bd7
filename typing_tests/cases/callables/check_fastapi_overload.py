"""fastapi add_task accepts arguments that match one of an overloaded task's signatures and rejects those that match none."""

from typing import overload

from fastapi import BackgroundTasks


@overload
def fetch(key: int) -> int: ...
@overload
def fetch(key: str, default: str) -> str: ...
def fetch(key: int | str, default: str = "") -> int | str:
    return key


tasks = BackgroundTasks()
tasks.add_task(fetch, 1)
tasks.add_task(fetch, "k", "d")
tasks.add_task(fetch, key="k", default="d")
tasks.add_task(fetch, 1.5)  # E: arg-type  # diverge: pyrefly-overload-paramspec
tasks.add_task(fetch, 1, "d", "e")  # E: too-many-pos, mypy=arg-type  # diverge: pyrefly-overload-paramspec
tasks.add_task(fetch, 1, fallback="d")  # E: unknown-kw, mypy=arg-type  # diverge: pyrefly-overload-paramspec
