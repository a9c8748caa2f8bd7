"""starlette add_task and the BackgroundTask constructor check builtin tasks such as `print` and `sorted`."""

from starlette.background import BackgroundTask, BackgroundTasks

tasks = BackgroundTasks()
tasks.add_task(print, 1, 2, 3, sep="-")
tasks.add_task(print, "a", file=42)  # E: arg-type  # diverge: pyrefly-overload-paramspec
tasks.add_task(sorted, [3, 1, 2], reverse=True)
tasks.add_task(sorted, [3, 1, 2], True)  # E: kw-only-as-pos, mypy=arg-type, ty=too-many-positional-arguments  # diverge: pyrefly-overload-paramspec
BackgroundTask(print, "x", sep="")
BackgroundTask(print, "x", sep=b"")  # E: arg-type  # diverge: pyrefly-overload-paramspec
BackgroundTask(len, "abc")
BackgroundTask(len, 3)  # E: arg-type
BackgroundTask(len)  # E: missing-arg, pyrefly=bad-argument-count
