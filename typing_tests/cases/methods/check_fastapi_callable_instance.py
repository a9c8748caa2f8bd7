"""fastapi add_task checks an instance with a sync `__call__` against `__call__`'s signature."""

from fastapi import BackgroundTasks


class Webhook:
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, event: str, payload: dict[str, int] | None = None) -> None: ...


hook = Webhook("https://example.invalid/hook")
wrong_payload: dict[str, str] = {"id": "1"}
tasks = BackgroundTasks()
tasks.add_task(hook, "created")
tasks.add_task(hook, "created", {"id": 1})
tasks.add_task(hook, event="created", payload=None)
tasks.add_task(hook)  # E: missing-arg
tasks.add_task(hook, "created", wrong_payload)  # E: arg-type
tasks.add_task(hook, "created", None, None)  # E: too-many-pos
tasks.add_task(hook, "created", body={})  # E: unknown-kw
