"""A mypy plugin that flags background tasks that never run.

Enable it in the mypy configuration of the project that uses starlette or fastapi:

    [mypy]
    plugins = bgtyping.mypy_plugin

It looks at the task given to `BackgroundTasks.add_task` (starlette's and fastapi's, and subclasses)
and to `BackgroundTask(...)`, and reports two mistakes that starlette accepts and silently drops:

- `bg-task-generator`: a generator function (sync or async) as the task. starlette calls it, gets a
  generator object and never iterates it, so the body never runs.
- `bg-task-unawaited`: a sync callable that returns an awaitable (`lambda: send(x)` with an async
  `send`, a `def` returning a coroutine, a sync `__call__` returning one). starlette runs it in a
  thread and drops the coroutine without awaiting it.

It only adds these two errors; every other diagnostic, and every inferred type, is mypy's own.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal, cast

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    Decorator,
    Expression,
    FuncDef,
    FuncItem,
    LambdaExpr,
    MemberExpr,
    NameExpr,
    RefExpr,
    TypeInfo,
)
from mypy.plugin import FunctionContext, MethodContext, Plugin
from mypy.subtypes import is_same_type
from mypy.types import CallableType, Instance, Overloaded, Type, get_proper_type


def _code_names() -> tuple[str, str]:
    """The codes' names, from the engine's vocabulary (bgtyping/model.py, standard library only).

    The engine has mypy load this file by path, so a mypy whose environment lacks the engine must still
    find them: then they are read from the model.py beside this file.
    """
    try:
        from bgtyping.model import PLUGIN_CODE_GENERATOR, PLUGIN_CODE_UNAWAITED
    except ImportError:
        spec = importlib.util.spec_from_file_location("_bgtyping_model", Path(__file__).with_name("model.py"))
        if spec is None or spec.loader is None:
            raise
        module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # dataclasses look it up
        spec.loader.exec_module(module)
        return cast(str, module.PLUGIN_CODE_GENERATOR), cast(str, module.PLUGIN_CODE_UNAWAITED)
    return PLUGIN_CODE_GENERATOR, PLUGIN_CODE_UNAWAITED


_GENERATOR_CODE, _UNAWAITED_CODE = _code_names()
TASK_GENERATOR: Final = ErrorCode(
    _GENERATOR_CODE,
    "A generator function given as a starlette/fastapi background task never runs its body",
    "bgtyping",
)
TASK_UNAWAITED: Final = ErrorCode(
    _UNAWAITED_CODE,
    "A sync background task that returns an awaitable: starlette never awaits it",
    "bgtyping",
)

# The classes whose `add_task` queues a task, and the task class whose constructor takes one.
_TASK_LISTS: Final = frozenset({"starlette.background.BackgroundTasks", "fastapi.background.BackgroundTasks"})
_TASK_CLASS: Final = "starlette.background.BackgroundTask"
_GENERATORS: Final = frozenset(
    {"typing.Generator", "typing.AsyncGenerator", "types.GeneratorType", "types.AsyncGeneratorType"}
)
_PARTIAL: Final = "functools.partial"

Problem = Literal["generator", "unawaited"]


TypeOf = Callable[[Expression], "Type | None"]


def classify(typ: Type | None, expr: Expression | None = None, type_of: TypeOf | None = None) -> Problem | None:
    """What is wrong with this task at run time, judged from its type (and the expression where it says more).

    `type_of` gives the type of a sub-expression: a partial of a partial is judged by what it wraps.
    """
    if isinstance(expr, LambdaExpr) and expr.is_generator:
        return "generator"  # `lambda: (yield)`: its type says `() -> Any`, its body makes it a generator function
    proper = get_proper_type(typ)
    if isinstance(proper, CallableType):
        return _callable(proper, sync=isinstance(expr, LambdaExpr) or None)
    if isinstance(proper, Overloaded):
        # Only what every overload agrees on.
        problems: list[Problem | None] = [_callable(item, sync=None) for item in proper.items]
        return problems[0] if all(problem == problems[0] for problem in problems) else None
    if isinstance(proper, Instance):
        return _instance(proper, expr, type_of)
    return None


def _callable(typ: CallableType, sync: bool | None) -> Problem | None:
    """`sync` is True when the task is known to be a sync callable, None when only its type is known."""
    if typ.is_type_obj():
        return None  # a class: calling it builds an instance, and that is the whole task
    definition = typ.definition
    if isinstance(definition, Decorator):
        definition = definition.func
    if isinstance(definition, FuncItem) and _describes(definition, typ):
        if definition.is_generator or definition.is_async_generator:
            return "generator"
        if definition.is_coroutine:
            return None
        # A stub, protocol or abstract body says nothing about the object that will stand there at run time.
        sync = sync or not (definition.is_trivial_body or _in_protocol(definition))
    return _returned(typ.ret_type, sync=bool(sync))


def _in_protocol(definition: FuncItem) -> bool:
    # A function outside a class has a placeholder info that is falsy.
    return isinstance(definition, FuncDef) and bool(definition.info) and definition.info.is_protocol


def _describes(definition: FuncItem, typ: CallableType) -> bool:
    """Whether the definition's flags describe the callable: a decorator may have made something else of it.

    The type of a function behind staticmethod, classmethod or a ParamSpec-preserving decorator still
    returns what the function returns; `contextmanager` and its kind return something else.
    """
    if not (isinstance(definition, FuncDef) and definition.is_decorated):
        return True
    own = get_proper_type(definition.type)
    return isinstance(own, CallableType) and is_same_type(own.ret_type, typ.ret_type)


def _returned(ret: Type, sync: bool) -> Problem | None:
    proper = get_proper_type(ret)
    if not isinstance(proper, Instance):
        return None
    if proper.type.fullname in _GENERATORS:
        return "generator"
    if sync and proper.type.has_base("typing.Awaitable"):
        return "unawaited"
    return None


def _instance(typ: Instance, expr: Expression | None, type_of: TypeOf | None) -> Problem | None:
    if typ.type.fullname == _PARTIAL:
        # starlette unwraps partial objects, nested ones too, before it decides sync or async: judge what
        # the innermost partial wraps.
        wrapped = typ.extra_attrs.attrs.get("__mypy_partial") if typ.extra_attrs else None
        if _is_partial_call(wrapped):
            # A partial of a partial: mypy records the inner partial's `__call__`, which hides the function.
            # Only a call of functools.partial itself says what it wraps: any other call's first argument
            # need not be the task.
            direct = (
                isinstance(expr, CallExpr) and isinstance(expr.callee, RefExpr) and expr.callee.fullname == _PARTIAL
            )
            inner = expr.args[0] if isinstance(expr, CallExpr) and direct and expr.args else None
            found = type_of(inner) if inner is not None and type_of is not None else None
            return classify(found, inner, type_of) if found is not None else None  # else: say nothing, never guess
        if wrapped is not None:
            return classify(wrapped)
        return _returned(typ.args[0], sync=False) if typ.args else None
    method = typ.type.get_method("__call__")
    if isinstance(method, Decorator):
        method = method.func
    signature = get_proper_type(method.type) if isinstance(method, FuncDef) else None
    if not isinstance(method, FuncDef) or not isinstance(signature, CallableType):
        return None
    if not _describes(method, signature):
        return None
    if method.is_generator or method.is_async_generator:
        return "generator"
    if method.is_coroutine:
        return None
    # A protocol's (or a stub's) __call__ is satisfied by an async def just as well.
    return _returned(signature.ret_type, sync=not (typ.type.is_protocol or method.is_trivial_body))


def _inferred(api: object) -> TypeOf | None:
    """The type mypy already inferred for an expression (the call's arguments are checked before the hook).

    Read from the checker's type map, never inferred again: a second inference could report errors twice.
    """
    lookup = getattr(api, "lookup_type", None)
    if not callable(lookup):
        return None

    def type_of(expr: Expression) -> Type | None:
        try:
            return cast(Type, lookup(expr))
        except KeyError:
            return None

    return type_of


def _is_partial_call(typ: Type | None) -> bool:
    proper = get_proper_type(typ) if typ is not None else None
    definition = proper.definition if isinstance(proper, CallableType) else None
    return isinstance(definition, FuncDef) and definition.fullname == f"{_PARTIAL}.__call__"


def _describe(expr: Expression) -> str:
    if isinstance(expr, NameExpr | MemberExpr):
        return f'"{expr.name}"'
    return "This task"


_MESSAGES: Final = {
    "generator": (
        "{task} is a generator function: starlette calls it and drops the generator without iterating it,"
        " so its body never runs; make it a plain def or async def without yield"
    ),
    "unawaited": (
        "{task} is a sync callable returning an awaitable: starlette runs it in a thread and drops the result"
        " without awaiting it, so the coroutine never runs; make it an async def (or its __call__ async)"
    ),
}
_CODES: Final = {"generator": TASK_GENERATOR, "unawaited": TASK_UNAWAITED}


def _is_subclass(info: TypeInfo | None, bases: frozenset[str]) -> bool:
    return info is not None and any(base.fullname in bases for base in info.mro)


class BackgroundTaskPlugin(Plugin):
    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        owner, _, name = fullname.rpartition(".")
        if name == "add_task" and _is_subclass(self._info(owner), _TASK_LISTS):
            return _hook
        return None

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        if _is_subclass(self._info(fullname), frozenset({_TASK_CLASS})):
            return _hook
        return None

    def _info(self, fullname: str) -> TypeInfo | None:
        """The class a hook's fullname names (a subclass of starlette's or fastapi's classes counts too)."""
        if "." not in fullname:
            return None
        node = self.lookup_fully_qualified(fullname)
        return node.node if node is not None and isinstance(node.node, TypeInfo) else None


def _hook(ctx: FunctionContext | MethodContext) -> Type:
    """Check the task (the `func` parameter, by position or keyword) and change nothing else."""
    # Every supported release, and the stubs, name it `func`; a subclass with another signature is left alone.
    names = ctx.callee_arg_names
    index = names.index("func") if "func" in names else len(ctx.arg_types)
    if index < len(ctx.arg_types) and ctx.arg_types[index]:
        expr = ctx.args[index][0]
        problem = classify(ctx.arg_types[index][0], expr, _inferred(ctx.api))
        if problem is not None:
            ctx.api.fail(_MESSAGES[problem].format(task=_describe(expr)), expr, code=_CODES[problem])
    return ctx.default_return_type


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return BackgroundTaskPlugin
