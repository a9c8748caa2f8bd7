"""fastapi add_task catches too many, too few and unknown arguments for tasks with unusual signatures."""

from fastapi import BackgroundTasks


def ping() -> None: ...


def retry(address: str, attempts: int = 1) -> None: ...


def fan_out(*addresses: str) -> None: ...


def tagged(**tags: str) -> None: ...


def mixed(a: int, /, b: int, *, c: int) -> None: ...


def kw_required(address: str, *, subject: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(fan_out)
tasks.add_task(fan_out, "a", "b", "c")
tasks.add_task(tagged)
tasks.add_task(tagged, env="prod", team="web")
tasks.add_task(mixed, 1, 2, c=3)
tasks.add_task(kw_required, "a@example.com", subject="hi")
tasks.add_task(lambda: None, 1)  # E: too-many-pos, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks.add_task(ping, 1)  # E: too-many-pos
tasks.add_task(retry, "a@example.com", 2, 3)  # E: too-many-pos
tasks.add_task(tagged, "prod")  # E: too-many-pos
tasks.add_task(fan_out, "a", address="b")  # E: unknown-kw
tasks.add_task(retry, attempts=2)  # E: missing-arg
tasks.add_task(kw_required, "a@example.com")  # E: missing-arg
tasks.add_task(kw_required, "a@example.com", "hi")  # E: kw-only-as-pos
tasks.add_task(mixed, 1, 2, 3)  # E: kw-only-as-pos
tasks.add_task(mixed, a=1, b=2, c=3)  # E: pos-only-as-kw
tasks.add_task(ping, retries=3)  # E: unknown-kw
