"""A task parameter typed as a Callable rejects a function whose parameter or return types do not match."""

# static-only: at run time a callable is only checked for being callable, not for its parameter and return types

from collections.abc import Callable

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


def run_hook(hook: Callable[[int], str], value: int) -> None: ...


def render(n: int) -> str:
    return str(n)


def render_text(s: str) -> str:
    return s


def count(n: int) -> int:
    return n


tasks = BackgroundTasks()
tasks.add_task(run_hook, render, 1)
tasks.add_task(run_hook, hook=str, value=1)
tasks.add_task(run_hook, render_text, 1)  # E: arg-type
tasks.add_task(run_hook, count, 1)  # E: arg-type

task = BackgroundTask(run_hook, render, 2)
bad_task = BackgroundTask(run_hook, hook=render_text, value=2)  # E: arg-type
