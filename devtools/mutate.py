"""Mutation testing of the stubs and of the mypy plugin: every systematic change must make some case fail.

`python -m devtools.mutate --base PYTHON` takes an environment with starlette/fastapi but
without our stubs, builds one environment whose stubs it rewrites mutant by mutant, and runs the
corpus (mypy and pyright, batched) over each. Then it rewrites bgtyping.mypy_plugin the same way
(a hook removed, a judgement that always says "fine") and runs the corpus under mypy with each
mutated copy, on the same environment as the inline target. A mutant is killed when any case fails
or the run cannot be trusted. Survivors must be argued equivalent in `typing_tests/mutants.toml`.
"""

from __future__ import annotations

import argparse
import ast
import copy
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bgtyping import checkers
from bgtyping.checkers.mypy import PLUGIN, Mypy
from bgtyping.corpus import load_corpus
from bgtyping.engine.run import run_plan
from bgtyping.model import Outcome, Plan, RunKey, RunOutcome, Target

from .envs import overlay_env, purelib

ROOT = Path(__file__).resolve().parents[1]
STUB_PACKAGES = sorted(ROOT.glob("stubs/*/*-stubs"))
EQUIVALENT = ROOT / "typing_tests" / "mutants.toml"

# Narrower or otherwise wrong types for each declared attribute; `Any` is always tried too.
_RETYPE = {
    "Callable[..., Any]": "Callable[[], None]",
    "tuple[Any, ...]": "tuple[()]",
    "dict[str, Any]": "dict[str, str]",
    "bool": "typing.Literal[True]",
    "list[BackgroundTask]": "list[BackgroundTasks]",
    "Sequence[BackgroundTask] | None": "Sequence[BackgroundTask]",
    "None": "int",
}


@dataclass(frozen=True)
class Mutant:
    id: str
    stub: Path
    description: str
    source: str


Edit = Callable[[ast.Module], None]


def mutants() -> Iterator[Mutant]:
    for package in STUB_PACKAGES:
        for stub in sorted(package.glob("*.pyi")):
            tree = ast.parse(stub.read_text(encoding="utf-8"))
            prefix = f"{package.name.removesuffix('-stubs')}"
            for ident, description, edit in _operators(tree):
                mutated = copy.deepcopy(tree)
                edit(mutated)
                source = "import typing\n" + ast.unparse(mutated) + "\n"
                yield Mutant(f"{prefix}:{ident}", stub, description, source)


def plugin_mutants() -> Iterator[Mutant]:
    """bgtyping.mypy_plugin with a hook removed, or a function that finds problems made to find none."""
    tree = ast.parse(PLUGIN.read_text(encoding="utf-8"))
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.ClassDef):
            for mi, member in enumerate(node.body):
                if isinstance(member, ast.FunctionDef) and member.name.startswith("get_"):
                    m = f"{node.name}.{member.name}"
                    yield _plugin_mutant(tree, f"{m}:remove", f"hook {m} removed", _cls(index, _remove_member(mi)))
        elif isinstance(node, ast.FunctionDef) and node.returns is not None:
            returns = ast.unparse(node.returns)
            if returns == "Problem | None":
                yield _plugin_mutant(
                    tree, f"{node.name}:finds-nothing", f"{node.name} always returns None", _body(index, "None")
                )
            elif returns == "Type" and node.name.endswith("_hook"):
                yield _plugin_mutant(
                    tree, f"{node.name}:no-check", f"{node.name} only returns the default type",
                    _body(index, "ctx.default_return_type"),
                )  # fmt: skip


def _plugin_mutant(tree: ast.Module, ident: str, description: str, edit: Edit) -> Mutant:
    mutated = copy.deepcopy(tree)
    edit(mutated)
    return Mutant(f"plugin:{ident}", PLUGIN, description, ast.unparse(mutated) + "\n")


def _body(index: int, value: str) -> Edit:
    def edit(module: ast.Module) -> None:
        node = module.body[index]
        assert isinstance(node, ast.FunctionDef)
        node.body = [ast.Return(_expr(value))]

    return edit


def _operators(tree: ast.Module) -> Iterator[tuple[str, str, Edit]]:
    for ci, cls in enumerate(tree.body):
        if not isinstance(cls, ast.ClassDef):
            continue
        c = cls.name
        yield f"{c}:remove-class", f"class {c} removed", _remove_statement(ci)
        if cls.bases:
            yield f"{c}:drop-base", f"class {c} loses its base class", _cls(ci, _drop_bases)
        for mi, member in enumerate(cls.body):
            if isinstance(member, ast.AnnAssign) and isinstance(member.target, ast.Name):
                name, text = member.target.id, ast.unparse(member.annotation)
                for new in ("Any", _RETYPE.get(text)):
                    if new is not None:
                        yield (
                            f"{c}.{name}:type={new}",
                            f"{c}.{name}: {text} -> {new}",
                            _member(ci, mi, _set("annotation", new)),
                        )
            if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from _function_operators(ci, mi, c, member)


def _function_operators(
    ci: int, mi: int, c: str, fn: ast.FunctionDef | ast.AsyncFunctionDef
) -> Iterator[tuple[str, str, Edit]]:
    m = f"{c}.{fn.name}"
    yield f"{m}:remove", f"{m} removed", _cls(ci, _remove_member(mi))
    if isinstance(fn, ast.AsyncFunctionDef):
        yield f"{m}:sync", f"async def {m} -> def", _cls(ci, _make_sync(mi))
    if fn.returns is not None:
        text = ast.unparse(fn.returns)
        for new in ("Any", _RETYPE.get(text)):
            if new is not None:
                yield (
                    f"{m}:returns={new}",
                    f"{m} returns {new} instead of {text}",
                    _member(ci, mi, _set("returns", new)),
                )
    args = fn.args
    for ai, arg in enumerate(args.args):
        if arg.arg == "self":
            continue
        yield f"{m}({arg.arg}):remove", f"{m}: parameter {arg.arg} removed", _args(ci, mi, _remove_arg(ai))
        yield f"{m}({arg.arg}):rename", f"{m}: parameter {arg.arg} renamed to {arg.arg}_", _args(ci, mi, _rename(ai))
        if arg.annotation is not None and "Callable[_P" in ast.unparse(arg.annotation):
            yield (
                f"{m}({arg.arg}):callable-ellipsis",
                f"{m}: {arg.arg}: Callable[_P, Any] -> Callable[..., Any]",
                _args(ci, mi, _arg(ai, _set("annotation", "Callable[..., Any]"))),
            )
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if annotation in _RETYPE:
            new_type = _RETYPE[annotation]
            yield (
                f"{m}({arg.arg}):type={new_type}",
                f"{m}: {arg.arg}: {annotation} -> {new_type}",
                _args(ci, mi, _arg(ai, _set("annotation", new_type))),
            )
        if ai == 1:
            yield f"{m}({arg.arg}):positional-only", f"{m}: {arg.arg} made positional-only", _args(ci, mi, _posonly)
        defaults_start = len(args.args) - len(args.defaults)
        if ai >= defaults_start:
            yield f"{m}({arg.arg}):no-default", f"{m}: default of {arg.arg} removed", _args(ci, mi, _drop_defaults)
        else:
            yield f"{m}({arg.arg}):default", f"{m}: {arg.arg} given a default", _args(ci, mi, _default_from(ai))
    for star, label in ((args.vararg, "*args"), (args.kwarg, "**kwargs")):
        if star is not None and star.annotation is not None:
            yield (
                f"{m}({label}):any",
                f"{m}: {label}: {ast.unparse(star.annotation)} -> Any",
                _args(ci, mi, _star_any(label)),
            )
            yield f"{m}({label}):remove", f"{m}: {label} removed", _args(ci, mi, _star_remove(label))


def _remove_statement(index: int) -> Edit:
    def edit(module: ast.Module) -> None:
        del module.body[index]

    return edit


def _expr(text: str) -> ast.expr:
    statement = ast.parse(text).body[0]
    assert isinstance(statement, ast.Expr)
    return statement.value


def _set(attribute: str, text: str) -> Callable[[ast.AST], None]:
    def change(node: ast.AST) -> None:
        setattr(node, attribute, _expr(text))

    return change


def _drop_bases(cls: ast.ClassDef) -> None:
    cls.bases = []


def _remove_member(index: int) -> Callable[[ast.ClassDef], None]:
    def change(cls: ast.ClassDef) -> None:
        del cls.body[index]

    return change


def _make_sync(index: int) -> Callable[[ast.ClassDef], None]:
    def change(cls: ast.ClassDef) -> None:
        node = cls.body[index]
        assert isinstance(node, ast.AsyncFunctionDef)
        sync = ast.FunctionDef(node.name, node.args, node.body, node.decorator_list, node.returns, node.type_comment)
        cls.body[index] = ast.copy_location(sync, node)

    return change


def _arg(index: int, change: Callable[[ast.AST], None]) -> Callable[[ast.arguments], None]:
    return lambda a: change(a.args[index])


def _remove_arg(index: int) -> Callable[[ast.arguments], None]:
    def change(a: ast.arguments) -> None:
        del a.args[index]
        a.defaults = a.defaults[-len(a.args) :] if a.args else []

    return change


def _rename(index: int) -> Callable[[ast.arguments], None]:
    def change(a: ast.arguments) -> None:
        a.args[index].arg += "_"

    return change


def _cls(ci: int, change: Callable[[ast.ClassDef], object]) -> Edit:
    def edit(module: ast.Module) -> None:
        cls = module.body[ci]
        assert isinstance(cls, ast.ClassDef)
        change(cls)

    return edit


def _member(ci: int, mi: int, change: Callable[[ast.AST], object]) -> Edit:
    return _cls(ci, lambda k: change(k.body[mi]))


def _args(ci: int, mi: int, change: Callable[[ast.arguments], object]) -> Edit:
    def on_function(node: ast.AST) -> None:
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        change(node.args)

    return _member(ci, mi, on_function)


def _posonly(a: ast.arguments) -> None:
    a.posonlyargs, a.args = a.args[:2], a.args[2:]


def _drop_defaults(a: ast.arguments) -> None:
    a.defaults = []


def _default_from(index: int) -> Callable[[ast.arguments], None]:
    def change(a: ast.arguments) -> None:
        # Every parameter from `index` on needs a default to stay valid syntax.
        a.defaults = [ast.Constant(...) for _ in a.args[index:]]

    return change


def _star_any(label: str) -> Callable[[ast.arguments], None]:
    def change(a: ast.arguments) -> None:
        star = a.vararg if label == "*args" else a.kwarg
        assert star is not None
        star.annotation = _expr("Any")

    return change


def _star_remove(label: str) -> Callable[[ast.arguments], None]:
    def change(a: ast.arguments) -> None:
        if label == "*args":
            a.vararg = None
        else:
            a.kwarg = None

    return change


def mutant_env(base: Path, where: Path) -> tuple[Path, Path]:
    """A venv that sees `base`'s packages, with writable copies of our stubs."""
    return overlay_env(where, [purelib(base)], STUB_PACKAGES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.mutate", description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="python of an env with starlette/fastapi, no stubs")
    parser.add_argument("--workdir", type=Path, default=Path(".typing-cache/mutants"))
    parser.add_argument("--checker", action="append", default=None)
    parser.add_argument("--only", choices=("stubs", "plugin"), default=None, help="one kind of mutant")
    args = parser.parse_args(argv)
    equivalent = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8")) if EQUIVALENT.is_file() else {}
    shutil.rmtree(args.workdir, ignore_errors=True)
    python, purelib = mutant_env(args.base.absolute(), args.workdir / "env")
    corpus = load_corpus(ROOT / "typing_tests")
    plan = Plan(
        corpus=corpus,
        checkers=tuple(args.checker or ("mypy", "pyright")),
        targets=(Target("stubs", python),),
        python_versions=("3.11",),
        workroot=(args.workdir / "runs").absolute(),
    )
    # The plugin's mutants: mypy alone, the unmutated stubs' environment as it is without them.
    plugin_plan = Plan(
        corpus=corpus,
        checkers=("mypy",),
        targets=(Target("inline", args.base.absolute()),),
        python_versions=("3.11",),
        workroot=(args.workdir / "plugin-runs").absolute(),
    )
    all_mutants = [
        *(mutants() if args.only != "plugin" else ()),
        *(plugin_mutants() if args.only != "stubs" else ()),
    ]
    survivors: list[Mutant] = []
    for number, mutant in enumerate(all_mutants, 1):
        if mutant.stub == PLUGIN:
            outcomes = run_plugin_mutant(plugin_plan, mutant, args.workdir.absolute())
        else:
            installed = purelib / mutant.stub.parent.name / mutant.stub.name
            installed.write_text(mutant.source, encoding="utf-8")
            outcomes = run_plan(plan)
            installed.write_text(mutant.stub.read_text(encoding="utf-8"), encoding="utf-8")
        killers = sorted(
            {case for o in outcomes.values() for case, v in o.verdicts.items() if v.outcome is Outcome.FAIL}
            | {f"run {o.key}" for o in outcomes.values() if o.error}
        )
        status = f"killed by {len(killers)}: {', '.join(killers[:4])}{' ...' if len(killers) > 4 else ''}"
        if not killers:
            survivors.append(mutant)
            status = "SURVIVED" + (" (argued equivalent)" if mutant.id in equivalent else "")
        print(f"[{number}/{len(all_mutants)}] {mutant.id}: {mutant.description}: {status}", flush=True)
    unexplained = [m for m in survivors if m.id not in equivalent]
    # With --only, an argument for a mutant of the other kind was not put to the test.
    existing = {m.id for m in (*mutants(), *plugin_mutants())}
    tested = {m.id for m in all_mutants}
    stale = sorted((set(equivalent) & tested) - {m.id for m in survivors} | (set(equivalent) - existing))
    killed = len(all_mutants) - len(survivors)
    print(f"\nmutation score: {killed}/{len(all_mutants)} killed ({100 * killed / len(all_mutants):.1f}%), "
          f"{len(survivors) - len(unexplained)} survivors argued equivalent in {EQUIVALENT.name}")  # fmt: skip
    for mutant in unexplained:
        print(f"survivor: {mutant.id}: {mutant.description}")
    for ident in stale:
        print(f"stale: {ident} is argued equivalent in {EQUIVALENT.name} but was killed (or no longer exists)")
    return 1 if unexplained or stale else 0


def run_plugin_mutant(plan: Plan, mutant: Mutant, workdir: Path) -> dict[RunKey, RunOutcome]:
    """The corpus under mypy with a mutated copy of the plugin in the plugin's place."""
    copy_path = workdir / "plugin" / PLUGIN.name
    copy_path.parent.mkdir(parents=True, exist_ok=True)
    copy_path.write_text(mutant.source, encoding="utf-8")
    with checkers.replaced(Mypy(copy_path)):
        return run_plan(plan)


if __name__ == "__main__":
    sys.exit(main())
