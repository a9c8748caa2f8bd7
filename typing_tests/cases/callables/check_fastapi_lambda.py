"""fastapi add_task checks the argument count against a lambda's parameters."""

from fastapi import BackgroundTasks

tasks = BackgroundTasks()
tasks.add_task(lambda: None)
tasks.add_task(lambda x: None, 1)
tasks.add_task(lambda x, y=0: None, 1)  # diverge: mypy-lambda-default-param-context
tasks.add_task(lambda x, y=0: None, 1, y=2)  # diverge: mypy-lambda-default-param-context
tasks.add_task(lambda x: None, x="a")
tasks.add_task(lambda: None, 1)  # E: too-many-pos, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks.add_task(lambda x: None)  # E: missing-arg, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks.add_task(lambda x: None, 1, 2)  # E: too-many-pos, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks.add_task(lambda x, y: None, 1)  # E: missing-arg, mypy=arg-type+misc  # diverge: pyrefly-lambda-arity
tasks.add_task(lambda x: None, y=1)  # E: unknown-kw, mypy=arg-type, ty=missing-argument+unknown-argument, zuban=arg-type+misc  # diverge: pyrefly-lambda-arity
