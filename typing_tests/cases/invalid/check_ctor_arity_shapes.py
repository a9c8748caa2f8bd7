"""BackgroundTask() and starlette add_task catch too many, too few and unknown arguments for unusual signatures."""

from starlette.background import BackgroundTask, BackgroundTasks


def ping() -> None: ...


def fan_out(*addresses: str) -> None: ...


def tagged(**tags: str) -> None: ...


def mixed(a: int, /, b: int, *, c: int) -> None: ...


tasks = BackgroundTasks()
BackgroundTask(fan_out, "a", "b")
BackgroundTask(tagged, env="prod")
BackgroundTask(mixed, 1, b=2, c=3)
tasks.add_task(fan_out, "a", "b")
tasks.add_task(tagged, env="prod")
BackgroundTask(ping, 1)  # E: too-many-pos
BackgroundTask(tagged, "prod")  # E: too-many-pos
BackgroundTask(fan_out, address="b")  # E: unknown-kw
BackgroundTask(mixed, 1, 2)  # E: missing-arg
BackgroundTask(mixed, 1, 2, 3)  # E: kw-only-as-pos
BackgroundTask(mixed, a=1, b=2, c=3)  # E: pos-only-as-kw
BackgroundTask(tagged, env=1)  # E: arg-type
tasks.add_task(ping, 1)  # E: too-many-pos
tasks.add_task(fan_out, address="b")  # E: unknown-kw
tasks.add_task(mixed, 1, c=3)  # E: missing-arg
tasks.add_task(mixed, a=1, b=2, c=3)  # E: pos-only-as-kw
