"""fastapi add_task checks a task typed as a callback Protocol against the Protocol's `__call__`."""

from typing import Protocol

from fastapi import BackgroundTasks


class Handler(Protocol):
    def __call__(self, event: str, *, retries: int = 0) -> None: ...


def handle(event: str, *, retries: int = 0) -> None: ...


handler: Handler = handle
tasks = BackgroundTasks()
tasks.add_task(handler, "created")
tasks.add_task(handler, "created", retries=2)
tasks.add_task(handler, event="created")
tasks.add_task(handler, 1)  # E: arg-type
tasks.add_task(handler, "created", 2)  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
tasks.add_task(handler)  # E: missing-arg
tasks.add_task(handler, "created", delay=2)  # E: unknown-kw
