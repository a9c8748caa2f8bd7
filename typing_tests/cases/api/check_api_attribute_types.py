"""A BackgroundTask's func, args, kwargs and is_async attributes have the declared general types."""

# static-only: assert_type does nothing at run time

from collections.abc import Callable
from typing import Any

from starlette.background import BackgroundTask
from typing_extensions import assert_type


def resize(image: str, width: int, *, keep_ratio: bool = True) -> None: ...


task = BackgroundTask(resize, "a.png", 100, keep_ratio=False)
assert_type(task.func, Callable[..., Any])  # diverge: inline-attribute-func-paramspec
assert_type(task.args, tuple[Any, ...])  # diverge: inline-attribute-args-paramspec
assert_type(task.kwargs, dict[str, Any])  # diverge: inline-attribute-args-paramspec
assert_type(task.is_async, bool)  # diverge: ty-inline-is-async-typeis
assert_type(task.is_async, int)  # E: assert-type  # diverge: ty-inline-is-async-typeis
