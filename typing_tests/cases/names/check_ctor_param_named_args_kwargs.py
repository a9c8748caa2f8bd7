"""BackgroundTask() accepts task parameters literally named `args` and `kwargs`, by position or by keyword."""

from starlette.background import BackgroundTask


def job(args: int, kwargs: str) -> None: ...


def only_args(args: int) -> None: ...


def only_kwargs(kwargs: str) -> None: ...


BackgroundTask(job, 1, "a")
BackgroundTask(only_args, 1)
BackgroundTask(only_args, args=1)
BackgroundTask(only_kwargs, "a")
BackgroundTask(only_args, args="1")  # E: arg-type
BackgroundTask(only_kwargs, kwargs="a")  # diverge: pyright-paramspec-kwargs-keyword
BackgroundTask(job, 1, kwargs="a")  # diverge: pyright-paramspec-kwargs-keyword
BackgroundTask(job, args=1, kwargs="a")  # diverge: pyright-paramspec-kwargs-keyword
BackgroundTask(only_kwargs, kwargs=1)  # E: arg-type  # diverge: pyright-paramspec-kwargs-keyword
