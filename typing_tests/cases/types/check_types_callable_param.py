"""A task parameter typed as a Callable accepts a function of matching signature and rejects any other."""

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
tasks.add_task(run_hook, "render", 1)  # E: arg-type

task = BackgroundTask(run_hook, render, 2)
