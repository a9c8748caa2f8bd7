"""starlette add_task accepts task parameters literally named `args` and `kwargs`, by position or by keyword."""

from starlette.background import BackgroundTasks


def job(args: int, kwargs: str) -> None: ...


def only_args(args: int) -> None: ...


def only_kwargs(kwargs: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(job, 1, "a")
tasks.add_task(only_args, 1)
tasks.add_task(only_args, args=1)
tasks.add_task(only_kwargs, "a")
tasks.add_task(only_args, args="1")  # E: arg-type
tasks.add_task(only_kwargs, kwargs="a")  # diverge: pyright-paramspec-kwargs-keyword
tasks.add_task(job, 1, kwargs="a")  # diverge: pyright-paramspec-kwargs-keyword
tasks.add_task(job, args=1, kwargs="a")  # diverge: pyright-paramspec-kwargs-keyword
tasks.add_task(only_kwargs, kwargs=1)  # E: arg-type  # diverge: pyright-paramspec-kwargs-keyword
