"""fastapi add_task checks the arguments left over after `functools.partial` against the remaining parameters."""

from functools import partial

from fastapi import BackgroundTasks


def send(address: str, subject: str, retries: int = 3) -> None: ...


bound = partial(send, "a@example.com")
tasks = BackgroundTasks()
tasks.add_task(bound, "hello")
tasks.add_task(bound, "hello", 5)
tasks.add_task(bound, subject="hello", retries=5)
tasks.add_task(partial(send, "a@example.com", "hello"))
tasks.add_task(partial(send, retries=1), "a@example.com", "hello")
tasks.add_task(bound, "hello", 5, 6)  # E: too-many-pos  # diverge: partial-args-unchecked
tasks.add_task(bound, "hello", "5")  # E: arg-type  # diverge: partial-args-unchecked
tasks.add_task(bound, "hello", colour="red")  # E: unknown-kw  # diverge: partial-args-unchecked
tasks.add_task(bound)  # E: missing-arg  # diverge: partial-args-unchecked
