"""Run every (checker, target, Python version) once over the whole corpus, in parallel."""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import checkers
from .checkers.base import RunSpec, execute
from .corpus import Corpus, parse_case
from .judge import judge
from .model import Case, EngineError, Outcome, RunKey, RunResult, Target, Verdict

PROBES = Path(__file__).parent / "probes"
# Which fingerprint each target must show: `oldest` is the stubs over the oldest supported release.
TARGET_PROBES = {"stubs": "stubs", "inline": "inline", "oldest": "stubs"}
PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
_VERSION = re.compile(r"^3\.\d{1,2}$")


@dataclass(frozen=True)
class Plan:
    corpus: Corpus
    checkers: tuple[str, ...]
    targets: tuple[Target, ...]
    python_versions: tuple[str, ...]
    workroot: Path
    timeout: float = 600.0
    reuse: bool = False

    def __post_init__(self) -> None:
        for name in self.checkers:
            checkers.get(name)
        for version in self.python_versions:
            if not _VERSION.match(version):
                raise EngineError(f"not a Python version: {version!r} (use e.g. 3.11)")
        for target in self.targets:
            if target.name not in TARGET_PROBES:
                raise EngineError(f"unknown target {target.name!r}; use one of {', '.join(TARGET_PROBES)}")
            if not target.python.is_file():
                raise EngineError(f"target {target.name}: no interpreter at {target.python}")
        if not (self.checkers and self.targets and self.python_versions):
            raise EngineError("nothing to run: name at least one checker, target and Python version")

    def run_keys(self) -> list[RunKey]:
        return [RunKey(c, t.name, v) for t in self.targets for v in self.python_versions for c in self.checkers]


@dataclass
class RunOutcome:
    """One batched run: its result, or the one reason it cannot be trusted, and every verdict."""

    key: RunKey
    result: RunResult | None = None
    error: str | None = None
    unsupported: str | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict[str, Verdict])


@functools.cache  # the same few files for every run of a target
def probe_cases(target: str) -> tuple[Case, ...]:
    """Engine-owned cases that prove resolution; each target has its own fingerprint."""
    found: list[Case] = []
    for folder in (PROBES / "common", PROBES / TARGET_PROBES[target]):
        for path in sorted(folder.glob("check_*.py")):
            found.append(parse_case(path, folder, {}))
    return tuple(found)


def run_plan(plan: Plan) -> dict[RunKey, RunOutcome]:
    keys = plan.run_keys()
    pythons = {t.name: t.python for t in plan.targets}
    workers = max(1, min(len(keys), os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(run_one, plan, key, pythons[key.target]) for key in keys}
        return {key: future.result() for key, future in futures.items()}


def run_one(plan: Plan, key: RunKey, python: Path) -> RunOutcome:
    checker = checkers.get(key.checker)
    root = plan.corpus.root.parent
    cases = [c for c in plan.corpus.cases if c.applies_to(key.python_version)]
    probes = probe_cases(key.target)
    files = tuple(c.path for c in (*cases, *probes))
    spec = RunSpec(key, files, python, key.python_version, plan.workroot / str(key), root, plan.reuse)
    outcome = RunOutcome(key)
    try:
        result = execute(checker, spec, plan.timeout)
    except EngineError as exc:
        outcome.error = str(exc)
        return outcome
    outcome.result = result
    problems = health(result, files, checker.import_codes, root)
    for probe in probes:
        verdict = judge(probe, checker, result, {}, root)
        if verdict.outcome is Outcome.FAIL:
            problems.append(f"resolution probe {probe.id} ({probe.claim}) failed:")
            problems.extend(f"  {p}" for p in verdict.problems)
    reason = checker.unsupported.get(key.target)
    if reason is not None:
        # Still run it: the limitation must be shown to hold, or the entry is stale.
        if problems:
            outcome.unsupported = reason
            outcome.verdicts = {c.id: Verdict(c.id, key, Outcome.UNSUPPORTED, (reason,)) for c in plan.corpus.cases}
        else:
            outcome.error = f"{key}: marked unsupported ({reason}), but the run is now sound; remove the entry"
        return outcome
    if problems:
        outcome.error = f"{key}: run cannot be trusted:\n" + "\n".join(problems)
    for case in plan.corpus.cases:
        outcome.verdicts[case.id] = judge(case, checker, result, plan.corpus.divergences, root)
    return outcome


def health(result: RunResult, files: Sequence[Path], import_codes: frozenset[str], root: Path) -> list[str]:
    """Prove the run saw the whole corpus and resolved starlette/fastapi."""
    problems: list[str] = []
    checked = {str(p) for p in files}
    for diag in result.diagnostics:
        if diag.code in import_codes:
            problems.append(f"import did not resolve: {diag.render(result.key.checker, root)}")
        elif diag.severity == "error" and diag.path not in checked:
            problems.append(f"error outside the corpus: {diag.render(result.key.checker, root)}")
    analyzed = result.analyzed
    if analyzed is None:
        problems.append("the checker did not say which files it analysed")
    elif isinstance(analyzed, int):
        if analyzed < len(files):
            problems.append(f"analysed {analyzed} files, but the batch holds {len(files)}")
    else:
        missing = sorted(p.stem for p in files if str(p) not in analyzed)
        if missing:
            problems.append(f"did not analyse {len(missing)} of {len(files)} files: {', '.join(missing[:10])}")
    return problems


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


def summarize(outcomes: Mapping[RunKey, RunOutcome]) -> dict[Outcome, int]:
    counts = dict.fromkeys(Outcome, 0)
    for outcome in outcomes.values():
        if outcome.error is not None:
            continue  # a broken run gives no verdicts worth counting
        for verdict in outcome.verdicts.values():
            counts[verdict.outcome] += 1
    return counts
