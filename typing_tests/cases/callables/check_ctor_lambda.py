"""The BackgroundTask constructor and starlette add_task check the argument count against a lambda's parameters."""

from starlette.background import BackgroundTask, BackgroundTasks

BackgroundTask(lambda: None)
BackgroundTask(lambda a, b: None, 1, 2)
BackgroundTask(lambda *args: None, 1, 2, 3)
BackgroundTask(lambda *, flag: None, flag=True)  # diverge: mypy-lambda-kwonly-context
BackgroundTask(lambda: None, key="v")  # E: unknown-kw, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
BackgroundTask(lambda a, b: None, 1, 2, 3)  # E: too-many-pos, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
BackgroundTask(lambda *, flag: None, True)  # E: kw-only-as-pos, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks = BackgroundTasks()
tasks.add_task(lambda: None)
tasks.add_task(lambda a: None, 1)
tasks.add_task(lambda a: None)  # E: missing-arg, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks.add_task(lambda: None, 1)  # E: too-many-pos, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
