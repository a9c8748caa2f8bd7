"""Runtime oracle: run a case against real starlette/fastapi and check each line's claim.

Every top-level statement runs in order. A statement whose lines carry `# E:` must fail: raise when
it runs, or leave behind a background task (or a response's background) that fails when it runs, or
pass a task an argument its annotations reject (checked with typeguard). Every other statement must
run cleanly, and every task it creates must really run. A `# static-only:` case skips its claimed
lines and must run the rest cleanly.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import functools
import gc
import inspect
import re
import sys
import traceback
import types
import typing
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typeguard
import typing_extensions
from starlette import background
from starlette.responses import Response

from bgtyping.corpus.yamlfile import diverge_comments
from bgtyping.model import Case, LineSpec, YamlCase

_Init = Callable[..., None]
_UNPACK = (typing.Unpack, typing_extensions.Unpack)


@dataclass
class _Recorder:
    tasks: list[background.BackgroundTask] = field(default_factory=list[background.BackgroundTask])
    ran: set[int] = field(default_factory=set[int])
    # what each sync task returned, to show afterwards that starlette dropped a generator or an awaitable
    returned: list[object] = field(default_factory=list[object])


@contextlib.contextmanager
def _recording() -> Generator[_Recorder]:
    """Record every BackgroundTask constructed, with a wrapper that keeps the real signature."""
    recorder = _Recorder()
    original: _Init = background.BackgroundTask.__init__

    def init(self: background.BackgroundTask, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        original(self, func, *args, **kwargs)
        recorder.tasks.append(self)

    background.BackgroundTask.__init__ = init  # type: ignore[method-assign]
    try:
        yield recorder
    finally:
        background.BackgroundTask.__init__ = original  # type: ignore[method-assign]


def check_call(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise TypeError (binding) or typeguard.TypeCheckError (annotations) if the call is wrong."""
    overloads = typing.get_overloads(_unwrap(func))
    if overloads:
        errors: list[str] = []
        for candidate in overloads:
            try:
                _check_signature(candidate, func, args, kwargs)
                return
            except (TypeError, typeguard.TypeCheckError) as exc:
                errors.append(str(exc))
        raise TypeError(f"no overload of {func!r} accepts the arguments: {errors}")
    _check_signature(func, func, args, kwargs)


def _unwrap(func: Callable[..., Any]) -> Callable[..., Any]:
    while isinstance(func, functools.partial):
        func = func.func  # pyright: ignore[reportUnknownMemberType]
    return func


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    target: Any = _unwrap(func)
    if inspect.isclass(target):
        target = target.__init__
    elif not (inspect.isfunction(target) or inspect.ismethod(target)) and callable(target):
        target = type(target).__call__
    try:
        return typing.get_type_hints(target, include_extras=False)
    except Exception:  # builtins and C callables have no hints to check against
        return {}


def _check_signature(
    annotated: Callable[..., Any], func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    # A partial's own signature drops what it already bound; an overload's names come from the overload.
    signature = inspect.signature(func if _unwrap(func) is not func else annotated)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()  # an empty **kwargs must still satisfy an Unpack[TypedDict]
    hints = _hints(annotated)
    for name, value in bound.arguments.items():
        _check_parameter(value, hints.get(name), _KINDS.get(signature.parameters[name].kind, "one"))


Kind = typing.Literal["one", "*", "**"]
_KINDS: dict[object, Kind] = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}


def _check_parameter(value: Any, hint: object, kind: Kind) -> None:
    if hint is None or isinstance(hint, typing.ParamSpecArgs | typing.ParamSpecKwargs):
        return
    if kind == "*":
        values = list(value)
    elif kind == "**":
        if typing.get_origin(hint) in _UNPACK:
            _check(value, typing.get_args(hint)[0])
            return
        values = list(value.values())
    else:
        values = [value]
    for item in values:
        _check(item, hint)


def _check(value: object, hint: object) -> None:
    if isinstance(hint, typing.TypeVar):
        # typeguard leaves TypeVars alone; a bound or constraints still say what is allowed.
        if hint.__bound__ is not None:
            _check(value, hint.__bound__)
        elif hint.__constraints__ and not any(_fits(value, c) for c in hint.__constraints__):
            raise typeguard.TypeCheckError(f"{value!r} fits none of {hint.__constraints__}")
        return
    try:
        typeguard.check_type(value, hint, collection_check_strategy=typeguard.CollectionCheckStrategy.ALL_ITEMS)
    except typeguard.TypeCheckError:
        raise
    except Exception:  # a hint typeguard cannot check says nothing either way
        return


def _fits(value: object, hint: object) -> bool:
    try:
        _check(value, hint)
    except typeguard.TypeCheckError:
        return False
    return True


class _CallChecker:
    """A profile hook: every call of a function defined in the case is checked against its annotations."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.violations: list[Failure] = []
        self._functions: dict[types.CodeType, types.FunctionType | None] = {}

    def __call__(self, frame: types.FrameType, event: str, arg: object) -> None:
        if event != "call" or frame.f_code.co_filename != self.filename:
            return
        func = self._function(frame.f_code)
        if func is None:
            return
        try:
            hints = typing.get_type_hints(func)
        except Exception:
            return
        bindings = _type_arguments(frame.f_locals.get("self"))
        for name, kind in _parameters(frame.f_code):
            hint = hints.get(name)
            hint = bindings.get(hint, hint) if isinstance(hint, typing.TypeVar) else hint
            try:
                _check_parameter(frame.f_locals[name], hint, kind)
            except typeguard.TypeCheckError as exc:
                caller = frame.f_back
                lines: set[int] = set()
                if caller is not None and caller.f_code.co_filename == self.filename:
                    lines.add(caller.f_lineno)
                self.violations.append((f"TypeCheckError: {func.__qualname__}() got {name}: {exc}", lines))

    def _function(self, code: types.CodeType) -> types.FunctionType | None:
        if code not in self._functions:
            owners = (r for r in gc.get_referrers(code) if isinstance(r, types.FunctionType) and r.__code__ is code)
            self._functions[code] = next(owners, None)
        return self._functions[code]

    @contextlib.contextmanager
    def active(self) -> Generator[None]:
        previous = sys.getprofile()
        sys.setprofile(self)
        try:
            yield
        finally:
            sys.setprofile(previous)


def _type_arguments(instance: object) -> dict[object, object]:
    """For a method of `Box[int]()`, what the class's TypeVars stand for (`T` -> `int`)."""
    alias = getattr(instance, "__orig_class__", None)
    origin = typing.get_origin(alias)
    if origin is None:
        return {}
    return dict(zip(getattr(origin, "__parameters__", ()), typing.get_args(alias), strict=False))


def _parameters(code: types.CodeType) -> list[tuple[str, Kind]]:
    names = code.co_varnames
    count = code.co_argcount + code.co_kwonlyargcount
    found: list[tuple[str, Kind]] = [(n, "one") for n in names[:count]]
    if code.co_flags & inspect.CO_VARARGS:
        found.append((names[count], "*"))
        count += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        found.append((names[count], "**"))
    return found


def _guard(task: background.BackgroundTask, recorder: _Recorder, checker: _CallChecker) -> None:
    """Check the call and note that the task ran, keeping the task's sync/async nature."""
    func, key = task.func, id(task)

    if task.is_async:

        async def run_async(*args: Any, **kwargs: Any) -> Any:
            check_call(func, args, kwargs)
            recorder.ran.add(key)
            return await func(*args, **kwargs)

        task.func = run_async
    else:

        def run_sync(*args: Any, **kwargs: Any) -> Any:
            check_call(func, args, kwargs)
            recorder.ran.add(key)
            with checker.active():  # this runs in a worker thread, which the main thread's hook misses
                result = func(*args, **kwargs)
            recorder.returned.append(result)
            return result

        task.func = run_sync


Failure = tuple[str, set[int]]  # what failed, and the case lines its traceback passed through


def run_case(case: Case) -> list[str]:
    """Run the case; return one line per disagreement between its claims and the runtime."""
    source = case.path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(case.path))
    module = types.ModuleType(f"_oracle_{case.id}")
    module.__file__ = str(case.path)
    claimed_lines = {n for n, spec in case.lines.items() if spec.must_fail}
    shown: set[int] = set()
    problems: list[str] = []
    rel = case.path.name
    checker = _CallChecker(str(case.path))
    # dataclasses and typing helpers look the defining module up in sys.modules.
    with _recording() as recorder, _registered(module), checker.active():
        for node in tree.body:
            span = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            claimed = span & claimed_lines
            if claimed and case.static_only is not None:
                continue
            for text, lines in _run_step(node, case, module.__dict__, recorder, checker, bool(claimed)):
                hit = (lines & claimed_lines) or claimed
                if hit:
                    shown |= hit
                else:
                    problems.append(f"{rel}:{min(lines & span or span)} - claimed to pass, but at run time: {text}")
    if case.static_only is None:
        problems.extend(
            f"{rel}:{line} - claimed to fail, but nothing failed there at run time"
            for line in sorted(claimed_lines - shown)
        )
    return problems


@contextlib.contextmanager
def _registered(module: types.ModuleType) -> Generator[None]:
    sys.modules[module.__name__] = module
    try:
        yield
    finally:
        del sys.modules[module.__name__]


def _run_step(
    node: ast.stmt,
    case: Case,
    namespace: dict[str, Any],
    recorder: _Recorder,
    checker: _CallChecker,
    claimed: bool,
) -> list[Failure]:
    filename = str(case.path)
    failures: list[Failure] = []
    before, violations = len(recorder.tasks), len(checker.violations)
    seen = {id(v) for v in namespace.values()}
    value: object = None
    try:
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), filename, "eval"), namespace)
        else:
            exec(compile(ast.Module([node], []), filename, "exec"), namespace)
    except Exception as exc:
        failures.append((f"{type(exc).__name__}: {exc}", _lines(exc, filename)))
    new_tasks = recorder.tasks[before:]
    created = [v for v in (*namespace.values(), value) if id(v) not in seen]
    for task in new_tasks:
        _guard(task, recorder, checker)
        failure = _run(task, filename, recorder)
        if failure is not None:
            failures.append(failure)
        elif id(task) not in recorder.ran:
            failures.append(("a task it created never ran", set()))
    for container in (v for v in created if isinstance(v, background.BackgroundTasks) and v.tasks):
        if (failure := _run(container, filename, recorder)) is not None:
            failures.append(failure)
    for response in (v for v in created if isinstance(v, Response) and v.background is not None):
        if (failure := _run(response.background, filename, recorder)) is not None:  # type: ignore[arg-type]
            failures.append(failure)
    failures.extend(checker.violations[violations:])
    if claimed:
        _forget(new_tasks, namespace)
    return failures


def _lines(exc: BaseException, filename: str) -> set[int]:
    return {line for frame, line in traceback.walk_tb(exc.__traceback__) if frame.f_code.co_filename == filename}


def _run(task: Callable[[], typing.Awaitable[None]], filename: str, recorder: _Recorder) -> Failure | None:
    start = len(recorder.returned)
    try:
        asyncio.run(_call(task))
    except Exception as exc:
        return f"running a task: {type(exc).__name__}: {exc}", _lines(exc, filename)
    # Only now, with starlette done, is it proven that nothing will ever iterate or await what was dropped.
    dropped = [text for value in recorder.returned[start:] if (text := never_started(value)) is not None]
    return ("running a task: " + "; ".join(dropped), set()) if dropped else None


def never_started(value: object) -> str | None:
    """What a sync task returned that starlette dropped unstarted: a generator or an awaitable; closed here."""
    if inspect.isgenerator(value):
        if inspect.getgeneratorstate(value) != inspect.GEN_CREATED:
            return None
        value.close()
        return f"it returned the generator {value.__qualname__}() and starlette never iterated it: its body never ran"
    if inspect.isasyncgen(value):
        frame = value.ag_frame
        if value.ag_running or frame is None or frame.f_lasti > 0:  # created: -1 (3.10) or 0 (3.11+)
            return None
        name = value.__qualname__
        return f"it returned the async generator {name}() and starlette never iterated it: its body never ran"
    if inspect.iscoroutine(value):
        if inspect.getcoroutinestate(value) != inspect.CORO_CREATED:
            return None
        value.close()
        return f"it returned the coroutine {value.__qualname__}() and starlette never awaited it: it never ran"
    if inspect.isawaitable(value):
        return f"it returned the awaitable {value!r} and starlette never awaited it"
    return None


async def _call(task: Callable[[], typing.Awaitable[None]]) -> None:
    await task()


def _forget(tasks: list[background.BackgroundTask], namespace: dict[str, Any]) -> None:
    """Take a claimed-bad line's tasks out of every task list, so later lines start clean."""
    ids = {id(t) for t in tasks}
    for value in namespace.values():
        if isinstance(value, background.BackgroundTasks):
            value.tasks = [t for t in value.tasks if id(t) not in ids]


# -- YAML items ------------------------------------------------------------------------------------

# mypy codes of errors the runtime can show (a call starlette or the task rejects, a task that never runs).
_RUNTIME_CODES = frozenset({"arg-type", "call-arg", "misc", "bg-task-generator", "bg-task-unawaited"})
# mypy settings that change what mypy reports but not what runs; any other setting makes an item static.
_NEUTRAL_SETTINGS = frozenset({"plugins", "disallow_untyped_defs", "disallow_untyped_calls", "python_version"})
_CODE = re.compile(r"\s\[(?P<code>[\w-]+)\]$")


@dataclass(frozen=True)
class YamlRun:
    """One YAML item as the oracle runs it: its `main` written out, its other files importable."""

    case: Case  # a `.py`-shaped case over the written `main`, its error lines claimed
    folder: Path  # holds `main.py` and the item's other files
    static: str | None  # why the runtime cannot show its claims, or None


def yaml_runs(cases: Sequence[YamlCase], rootdir: Path, folder: Path) -> list[YamlRun]:
    """Every YAML item (its id relative to `rootdir`), written below `folder`, with the lines it claims an error on."""
    from bgtyping.engine import yamlrun

    found: list[YamlRun] = []
    for index, item in enumerate(yamlrun.items(cases, rootdir)):
        where = folder / f"item{index:03d}"
        where.mkdir(parents=True)
        for file in item.files:
            (where / file.path).parent.mkdir(parents=True, exist_ok=True)
            (where / file.path).write_text(file.content, encoding="utf-8")
        main = where / "main.py"
        errors = [m for m in item.expected_output if m.severity == "error"]
        # A line that names a divergence says mypy's output there is not the truth: at run time it fails.
        diverging = {
            line for (fname, line) in diverge_comments((f.path, f.content) for f in item.files) if fname == "main"
        }
        claimed = {m.lnum for m in errors if m.fname == "main"} | diverging
        lines = {n: LineSpec(kinds=frozenset({"arg-type"})) for n in claimed}
        found.append(
            YamlRun(
                Case(item.nodeid, main, "yaml", item.case.id, None, lines, data=main.read_bytes()),
                where,
                _static(item, errors),
            )
        )
    return found


def _static(item: Any, errors: Sequence[Any]) -> str | None:
    try:
        tree = ast.parse(item.files[0].content)
    except SyntaxError:
        return "its main is not Python this interpreter reads"
    bodies = [
        (n.lineno, n.end_lineno or n.lineno)
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.lineno != (n.end_lineno or n.lineno)
    ]
    for matcher in errors:
        if any(start < matcher.lnum <= end for start, end in bodies):
            return f"main:{matcher.lnum} is inside a function the item never calls"
    settings = {line.partition("=")[0].strip() for line in item.additional_mypy_config.splitlines() if "=" in line}
    if extra := sorted(settings - _NEUTRAL_SETTINGS):
        return f"its mypy settings ({', '.join(extra)}) decide what mypy reports"
    for matcher in errors:
        code = _CODE.search(matcher.message)
        if matcher.fname != "main":
            return f"it claims an error in {matcher.fname}"
        if code is None or code["code"] not in _RUNTIME_CODES:
            return f"main:{matcher.lnum} claims a {code['code'] if code else 'code-less'} error, a static fact"
    return None


def run_yaml(run: YamlRun) -> list[str]:
    """The item's claims against the runtime; `reveal_type` is typing's, its other files importable."""
    import builtins

    sys.path.insert(0, str(run.folder))
    had = hasattr(builtins, "reveal_type")
    setattr(builtins, "reveal_type", _quiet_reveal)  # noqa: B010  # YAML cases call it unimported, as mypy allows
    try:
        return run_case(run.case)
    finally:
        if not had:
            delattr(builtins, "reveal_type")
        sys.path.remove(str(run.folder))
        for name, module in list(sys.modules.items()):  # the item's own modules (`app.jobs`) leave with it
            if str(getattr(module, "__file__", "") or "").startswith(str(run.folder)):
                del sys.modules[name]


def _quiet_reveal(value: object) -> object:
    return value
