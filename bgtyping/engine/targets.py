"""Targets: parse `NAME=PYTHON`, ask each interpreter what it is, and refuse one that cannot be checked."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..host.interpreter import Interpreter, inspect_interpreter
from ..host.procs import Processes
from ..model import STUB_DISTRIBUTIONS, TARGET_FINGERPRINTS, EngineError, Target


def preflight(
    targets: Sequence[Target], workroot: Path, env: Mapping[str, str], procs: Processes | None = None
) -> dict[str, Interpreter]:
    """Ask each target's interpreter what it is; a target that cannot be checked is one line, exit 2.

    The interpreters are asked at once (each answer is a process start); the first target, in the
    order given, that cannot be checked is the one reported. `procs.cancel()` stops them all."""
    procs = procs or Processes()
    with ThreadPoolExecutor(max_workers=max(1, len(targets))) as pool:
        asked = [pool.submit(inspect_interpreter, t.python, env, workroot, procs) for t in targets]
    found: dict[str, Interpreter] = {}
    for target, answer in zip(targets, asked, strict=True):
        try:
            interp = answer.result()
        except EngineError as exc:
            raise EngineError(f"target {target.name}: {exc}") from None
        where = f"{target.python} (Python {interp.version})"
        missing = [name for name in ("starlette", "fastapi") if not interp.packages.get(name, {}).get("found")]
        if missing:
            names = " and ".join(missing)
            verb = "is" if len(missing) == 1 else "are"
            raise EngineError(
                f"target {target.name}: {names} {verb} not importable by {where}; "
                f"install into it: {target.python} -m pip install {' '.join(missing)}"
            )
        wants_stubs = TARGET_FINGERPRINTS[target.name] == "stubs"
        if wants_stubs and set(interp.stubs) != set(STUB_DISTRIBUTIONS):
            lacking = sorted(STUB_DISTRIBUTIONS[p] for p in set(STUB_DISTRIBUTIONS) - set(interp.stubs))
            raise EngineError(
                f"target {target.name}: {where} does not have our stubs ({', '.join(lacking)}); "
                f"install them, or name the target inline"
            )
        if not wants_stubs and interp.stubs:
            found_at = ", ".join(str(s["path"]) for s in interp.stubs.values())
            raise EngineError(
                f"target {target.name}: {where} has our stubs installed ({found_at}); "
                "uninstall them, or name the target stubs"
            )
        found[target.name] = interp
    return found


def describe(name: str, interp: Interpreter) -> str:
    """The one preflight line per target that says what will be checked."""
    versions = ", ".join(f"{p} {interp.version_of(p)}" for p in ("starlette", "fastapi"))
    installed = [
        f"{STUB_DISTRIBUTIONS[p]} {s.get('version') or '(unversioned)'}" for p, s in sorted(interp.stubs.items())
    ]
    stubs = "our stubs " + ", ".join(installed) if installed else "no stubs (inline types)"
    line = f"target {name}: {interp.executable} (Python {interp.version}): {versions}; {stubs}"
    if interp.paramspec is False and not installed:
        line += (
            f"\nnote: starlette {interp.version_of('starlette')} predates the ParamSpec typing of add_task "
            "(starlette 0.18): without our stubs no checker checks a task's arguments, so every case that "
            "expects an argument error will fail; install types-starlette-background and "
            "types-fastapi-background to have them checked"
        )
    return line


def parse_targets(values: Sequence[str]) -> tuple[Target, ...]:
    targets: list[Target] = []
    for value in values:
        name, sep, python = value.partition("=")
        if not sep or not name or not python:
            raise EngineError(f"a target is NAME=PYTHON, e.g. stubs=.venv/bin/python; got {value!r}")
        if "/" not in python:  # a bare name such as `python` is looked up on PATH
            python = shutil.which(python) or python
        targets.append(Target(name, Path(python).absolute()))
    return tuple(targets)
