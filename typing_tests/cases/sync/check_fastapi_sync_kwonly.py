"""fastapi add_task rejects passing a sync task's keyword-only parameters by position."""

from fastapi import BackgroundTasks


def deliver(order_id: int, *, express: bool, note: str = "") -> None: ...


tasks = BackgroundTasks()
tasks.add_task(deliver, 1, express=True)
tasks.add_task(deliver, 1, express=False, note="fragile")
tasks.add_task(deliver, order_id=1, express=True)
tasks.add_task(deliver, 1, True)  # E: kw-only-as-pos
tasks.add_task(deliver, 1, True, "fragile")  # E: kw-only-as-pos, pyrefly=bad-argument-count+unexpected-positional-argument
tasks.add_task(deliver, 1)  # E: missing-arg
tasks.add_task(deliver, 1, express="yes")  # E: arg-type
tasks.add_task(deliver, 1, express=True, note=3)  # E: arg-type
