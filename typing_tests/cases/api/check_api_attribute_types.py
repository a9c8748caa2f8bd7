"""A BackgroundTask's func, args, kwargs and is_async attributes have the declared general types."""

from collections.abc import Callable
from typing import Any, assert_type

from starlette.background import BackgroundTask


def resize(image: str, width: int, *, keep_ratio: bool = True) -> None: ...


task = BackgroundTask(resize, "a.png", 100, keep_ratio=False)
assert_type(task.func, Callable[..., Any])  # diverge: inline-background-task-attributes-paramspec
assert_type(task.args, tuple[Any, ...])  # diverge: inline-background-task-attributes-paramspec
assert_type(task.kwargs, dict[str, Any])  # diverge: inline-background-task-attributes-paramspec
assert_type(task.is_async, bool)
assert_type(task.is_async, int)  # E: assert-type
