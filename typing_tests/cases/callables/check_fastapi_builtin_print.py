"""fastapi add_task checks a builtin task such as `print`, including its keyword-only `sep` and `end`."""

import sys

from fastapi import BackgroundTasks

tasks = BackgroundTasks()
tasks.add_task(print)
tasks.add_task(print, "a", "b", sep=", ")
tasks.add_task(print, "a", end="")
tasks.add_task(print, "a", sep=None, file=sys.stderr, flush=True)
tasks.add_task(print, "a", sep=1)  # E: arg-type  # diverge: pyrefly-overload-paramspec
tasks.add_task(print, "a", end=b"\n")  # E: arg-type  # diverge: pyrefly-overload-paramspec
tasks.add_task(print, "a", colour="red")  # E: unknown-kw, mypy=arg-type  # diverge: pyrefly-overload-paramspec
