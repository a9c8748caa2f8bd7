"""Experiment: flag generator-function tasks (whose body never runs) with a @deprecated overload.

Writes overloaded copies of the stubs into a throwaway environment, runs the corpus (mypy and pyright,
stubs target, Python 3.11) against both the shipped stubs and the copies, and prints every cell and
diagnostic that differs, plus what a generator task now gets. The decision is recorded in the README.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from bgtyping.corpus import load_corpus
from bgtyping.engine.run import run_plan
from bgtyping.model import Outcome, Plan, Target
from devtools.mutate import ROOT, mutant_env

WARNING = "a generator function as a background task never runs its body"
OVERLOADS = """    @overload
    @deprecated("{warning}")
    def {name}(self, func: Callable[_P, Generator[Any, Any, Any]], *args: _P.args, **kwargs: _P.kwargs) -> None: ...
    @overload
    @deprecated("{warning}")
    def {name}(self, func: Callable[_P, AsyncGenerator[Any, Any]], *args: _P.args, **kwargs: _P.kwargs) -> None: ...
    @overload
    def {name}(self, func: Callable[_P, Any], *args: _P.args, **kwargs: _P.kwargs) -> None: ...
"""
PROBE = """from collections.abc import AsyncIterator, Iterator

from fastapi import BackgroundTasks


def gen(x: int) -> Iterator[int]:
    yield x


async def agen(x: int) -> AsyncIterator[int]:
    yield x


BackgroundTasks().add_task(gen, 1)
BackgroundTasks().add_task(agen, 1)
"""


def overloaded(source: str) -> str:
    """Replace each ParamSpec'd `def add_task`/`def __init__` (and its docstring) by three overloads."""
    pattern = re.compile(r"    def (add_task|__init__)\(self, func: Callable\[_P, Any\].*?\n(?:        .*\n|\n)*", re.M)
    source = pattern.sub(lambda m: OVERLOADS.format(name=m[1], warning=WARNING), source)
    header = "from collections.abc import AsyncGenerator, Generator\nfrom typing import overload\n\n"
    header += "from typing_extensions import deprecated\n"
    return header + source


def main() -> int:
    base = Path(sys.argv[1]).absolute()
    corpus = load_corpus(ROOT / "typing_tests")
    work = Path(tempfile.mkdtemp(prefix="footgun-"))
    python, purelib = mutant_env(base, work / "env")
    shipped = mutant_env(base, work / "shipped")[0]
    for package in ("starlette-stubs", "fastapi-stubs"):
        stub = purelib / package / "background.pyi"
        stub.write_text(overloaded(stub.read_text(encoding="utf-8")), encoding="utf-8")
    plans = {
        name: Plan(corpus, ("mypy", "pyright"), (Target("stubs", env),), ("3.11",), work / name)
        for name, env in (("shipped", shipped), ("overloaded", python))
    }
    outcomes = {name: run_plan(plan) for name, plan in plans.items()}
    changed_cells = 0
    changed_lines = 0
    for key, before in outcomes["shipped"].items():
        after = next(o for k, o in outcomes["overloaded"].items() if k.checker == key.checker)
        if after.error:
            print(f"{key.checker}: the overloaded stubs break the run's own probes:\n{after.error}\n")
        for case_id, verdict in before.verdicts.items():
            new = after.verdicts[case_id]
            old_diags = {(d.line, d.code, d.message) for d in verdict.diagnostics}
            new_diags = {(d.line, d.code, d.message) for d in new.diagnostics}
            if verdict.outcome is not new.outcome:
                changed_cells += 1
                print(f"{key.checker} {case_id}: {verdict.outcome.value} -> {new.outcome.value}")
            for line, code, message in sorted(new_diags ^ old_diags):  # every line that differs
                changed_lines += 1
                side = "+" if (line, code, message) in new_diags else "-"
                print(f"  {side} {key.checker} {case_id}:{line} {code} {message[:110]}")
    failing = sum(v.outcome is Outcome.FAIL for o in outcomes["overloaded"].values() for v in o.verdicts.values())
    print(f"\ncells whose verdict changed: {changed_cells}; diagnostics added or removed: {changed_lines}")
    print(f"cases failing with the overloaded stubs: {failing}")
    probe = work / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    import subprocess

    for command in (
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--enable-error-code=deprecated",
            "--python-executable",
            str(python),
        ],
        [str(Path(sys.executable).parent / "pyright"), "--pythonpath", str(python)],
    ):
        out = subprocess.run([*command, str(probe)], capture_output=True, text=True, check=False).stdout
        print(f"\n$ {Path(command[0]).name} ... probe.py\n{out.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
