"""Which API under test a case line uses: starlette's or fastapi's add_task, a task or a task list.

Read from the case's own source: its imports say which module a name comes from, and a name bound to
`BackgroundTasks()` (or annotated with the class) says whose `add_task` a call reaches. The result names
the API as the case spells it (`fastapi.BackgroundTasks.add_task`); where it is defined is asked of the
target interpreter (host/interpreter.py), never guessed from the name.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from ..model import Case

# The classes under test, by the name a case imports them with.
_CLASSES = frozenset(
    {
        "starlette.background.BackgroundTask",
        "starlette.background.BackgroundTasks",
        "fastapi.BackgroundTasks",
        "fastapi.background.BackgroundTasks",
    }
)
# Attributes the task and task list set in __init__: a line reading one is about the class's declarations.
_ATTRIBUTES = frozenset({"func", "args", "kwargs", "is_async", "tasks"})
# When one line uses several, the one it most likely claims something about.
_RANK = {"add_task": 0, "__init__": 1, "": 2}


def apis(case: Case) -> dict[int, str]:
    """Line -> the API it uses: `<class>.add_task`, `<class>.__init__`, or `<class>` for its attributes."""
    # A YAML item's code is its `main`, whose lines sit from `main_line` on in the YAML file.
    shift = case.main_line - 1 if case.kind == "yaml" else 0
    if case.kind == "yaml" and not case.main_line:
        return {}
    try:
        tree = ast.parse(case.main if case.kind == "yaml" else case.data.decode("utf-8-sig"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    names = _imported(tree)
    classes = _local_classes(tree, names)
    instances = _instances(tree, names, classes)
    found: dict[int, tuple[int, str]] = {}

    def note(node: ast.expr, cls: str, member: str = "") -> None:
        rank, api = _RANK[member], f"{cls}.{member}" if member else cls
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
            if line not in found or rank < found[line][0]:
                found[line] = (rank, api)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("add_task", "__init__"):
                owner = _class_of(func.value, names, classes, instances)
                if owner is None and func.attr == "__init__":  # BackgroundTask.__init__(task, ...)
                    owner = _resolve(func.value, names, classes)
                if owner is not None:
                    note(node, owner, func.attr)
                continue
            cls = _resolve(func, names, classes)
            if cls is not None:
                note(node, cls, "__init__")
        elif isinstance(node, ast.Attribute) and node.attr in _ATTRIBUTES:
            owner = _class_of(node.value, names, classes, instances)
            if owner is not None:
                note(node, owner)
    result = {line + shift: api for line, (_, api) in found.items()}
    if case.kind == "yaml" and found:
        # mypy's verdict on an item is about its whole output, reported on its `main:` line: the API it uses most.
        result[case.main_line - 1] = min(found.values())[1]
    return result


def _imported(tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:  # `import a.b` binds `a`; `import a.b as c` binds `c` to a.b
                top = alias.name.partition(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
    return names


def _dotted(node: ast.expr, names: Mapping[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, names)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Subscript):  # BackgroundTasks[...] never occurs, but an alias might be generic
        return _dotted(node.value, names)
    return None


def _resolve(node: ast.expr, names: Mapping[str, str], classes: Mapping[str, str]) -> str | None:
    """The class under test an expression names (a case's own subclass counts as its base)."""
    if isinstance(node, ast.Name) and node.id in classes:
        return classes[node.id]
    dotted = _dotted(node, names)
    return dotted if dotted in _CLASSES else None


def _local_classes(tree: ast.Module, names: Mapping[str, str]) -> dict[str, str]:
    classes: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if (cls := _resolve(base, names, classes)) is not None:
                    classes[node.name] = cls
                    break
    return classes


def _instances(tree: ast.Module, names: Mapping[str, str], classes: Mapping[str, str]) -> dict[str, str]:
    """Names bound to an instance of a class under test: `t = BackgroundTasks()`, `t: BackgroundTasks`."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            if (cls := _resolve(node.value.func, names, classes)) is not None:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = cls
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if (cls := _resolve(node.annotation, names, classes)) is not None:
                found[node.target.id] = cls
        elif (
            isinstance(node, ast.arg)
            and node.annotation is not None
            and (cls := _resolve(node.annotation, names, classes)) is not None
        ):
            found[node.arg] = cls
    return found


def _class_of(
    node: ast.expr, names: Mapping[str, str], classes: Mapping[str, str], instances: Mapping[str, str]
) -> str | None:
    """The class of an instance expression: a bound name, or a constructor call written in place."""
    if isinstance(node, ast.Name) and node.id in instances:
        return instances[node.id]
    if isinstance(node, ast.Call):
        return _resolve(node.func, names, classes)
    if isinstance(node, ast.Subscript):  # tasks.tasks[0].func
        return _class_of(node.value, names, classes, instances)
    if (  # a task of a task list
        isinstance(node, ast.Attribute)
        and node.attr == "tasks"
        and _class_of(node.value, names, classes, instances) is not None
    ):
        return "starlette.background.BackgroundTask"
    return None
