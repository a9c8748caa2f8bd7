"""Run every (checker, target, Python version) once over the whole corpus, in parallel, failing closed.

Before any checker starts: every target's interpreter is asked what it is (preflight), the corpus is
staged (copied, as the bytes that were parsed) into the workdir, and the workdir is locked against a
second engine process. Checkers read only the staged copies, in an engine-owned folder, with an
engine-written config and the controlled environment (environment.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import math
import os
import shutil
import sys
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import checkers, resultcache
from .checkers.base import Executed, RunSpec, execute
from .corpus import Corpus, parse_case
from .environment import STUB_DISTRIBUTIONS, Interpreter, controlled_env, inspect_interpreter
from .fsutil import write_if_changed
from .inputs import KeyInputs
from .judge import DiagnosticIndex, judge
from .model import PYTHON_VERSIONS, Case, EngineError, Outcome, RunKey, RunResult, Target, Verdict
from .procs import Processes

PROBES = Path(__file__).parent / "probes"
# Which fingerprint each target must show: `oldest` is the stubs over the oldest supported release.
TARGET_PROBES = {"stubs": "stubs", "inline": "inline", "oldest": "stubs"}
# Longest first, so the slow runs do not queue behind the quick ones (measured on the corpus).
_COST = {"pyright": 0, "basedpyright": 1, "mypy": 2, "zuban": 3, "pyrefly": 4, "ty": 5}


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
            if version not in PYTHON_VERSIONS:
                raise EngineError(f"unsupported Python version {version!r}; use one of {', '.join(PYTHON_VERSIONS)}")
        names = [t.name for t in self.targets]
        for target in self.targets:
            if target.name not in TARGET_PROBES:
                raise EngineError(f"unknown target {target.name!r}; use one of {', '.join(TARGET_PROBES)}")
            if names.count(target.name) > 1:
                raise EngineError(f"target {target.name!r} is named twice; give each target once")
            if not target.python.is_file():
                raise EngineError(f"target {target.name}: no interpreter at {target.python}")
        for what, values in (("checker", self.checkers), ("Python version", self.python_versions)):
            if len(set(values)) != len(values):
                raise EngineError(f"a {what} is named twice: {', '.join(values)}")
        if not math.isfinite(self.timeout) or self.timeout <= 0:
            raise EngineError(f"--timeout must be a positive number of seconds, not {self.timeout}")
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
    reused: bool = False
    verdicts: dict[str, Verdict] = field(default_factory=dict[str, Verdict])


@functools.cache  # the same few files for every run of a target
def probe_cases(target: str) -> tuple[Case, ...]:
    """Engine-owned cases that prove resolution; each target has its own fingerprint."""
    found: list[Case] = []
    for folder in (PROBES / "common", PROBES / TARGET_PROBES[target]):
        for path in sorted(folder.glob("check_*.py")):
            found.append(parse_case(path, folder, {}))
    return tuple(found)


# -- preflight ----------------------------------------------------------------------------------


def preflight(plan: Plan, env: Mapping[str, str]) -> dict[str, Interpreter]:
    """Ask each target's interpreter what it is; a target that cannot be checked is one line, exit 2."""
    found: dict[str, Interpreter] = {}
    for target in plan.targets:
        try:
            interp = inspect_interpreter(target.python, env, plan.workroot)
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
        wants_stubs = TARGET_PROBES[target.name] == "stubs"
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


# -- staging ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """The staged copy of every case and probe; checkers read these, never the user's files."""

    folder: Path
    cases: Mapping[str, Path]  # case id -> staged path
    probes: Mapping[str, Mapping[str, Path]]  # target -> probe id -> staged path
    data: Mapping[str, bytes]  # staged path -> bytes

    def origin(self, cases: Sequence[Case], probes: Sequence[Case], target: str) -> dict[str, Path]:
        found = {str(self.cases[c.id]): c.path for c in cases}
        found.update({str(self.probes[target][p.id]): p.path for p in probes})
        return found

    def verify(self) -> None:
        """A staged copy that changed while checkers read it would make every verdict a guess."""
        for path, data in self.data.items():
            try:
                same = Path(path).read_bytes() == data
            except OSError:
                same = False
            if not same:
                raise EngineError(f"{path} changed while the checkers were reading it; run again")


def stage(plan: Plan) -> Stage:
    corpus_id = hashlib.sha256(str(plan.corpus.root).encode()).hexdigest()[:12]
    folder = plan.workroot / "stage" / corpus_id
    data: dict[str, bytes] = {}
    staged_cases: dict[str, Path] = {}
    for case in plan.corpus.cases:
        # Flat, by the unique case id: no folder name a checker skips (`venv/`, `build/`, dot folders).
        staged_cases[case.id] = folder / "cases" / case.path.name
        data[str(staged_cases[case.id])] = case.data
    staged_probes: dict[str, dict[str, Path]] = {}
    for target in {t.name for t in plan.targets}:
        staged_probes[target] = {}
        for probe in probe_cases(target):
            path = folder / "probes" / probe.path.parent.name / probe.path.name
            staged_probes[target][probe.id] = path
            data[str(path)] = probe.data
    for staged, content in data.items():
        write_if_changed(Path(staged), content)
    return Stage(folder, staged_cases, staged_probes, data)


@contextlib.contextmanager
def locked(workroot: Path, say: Callable[[str], None]) -> Generator[None]:
    """One engine process per workdir: caches, staged files and results are not shared mid-run."""
    workroot.mkdir(parents=True, exist_ok=True)
    with open(workroot / ".lock", "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another bgtyping run that uses {workroot}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- running ------------------------------------------------------------------------------------


Progress = Callable[[RunOutcome, int, int], None]


def run_plan(
    plan: Plan,
    interpreters: Mapping[str, Interpreter] | None = None,
    progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
) -> dict[RunKey, RunOutcome]:
    """Every run of the plan; on any interrupt, every checker process is killed before this returns."""
    say = say or (lambda text: print(text, file=sys.stderr))
    plan.workroot.mkdir(parents=True, exist_ok=True)
    with locked(plan.workroot, say):
        env = controlled_env(plan.workroot)
        interpreters = dict(interpreters) if interpreters is not None else preflight(plan, env)
        staged = stage(plan)
        inputs = KeyInputs(plan.workroot, env, interpreters, staged.data)
        keys = sorted(plan.run_keys(), key=lambda k: _COST.get(k.checker, 9))
        for target in sorted({k.target for k in keys if checkers.get(k.checker).keeps_cache}):
            # A target's fingerprint (a stat of every importable file) names mypy's cache; it can take a
            # second, so it is computed beside the first runs, not in front of mypy's.
            threading.Thread(target=_prefetch, args=(inputs, target), daemon=True).start()
        procs = Processes()
        done: dict[RunKey, RunOutcome] = {}
        workers = max(1, min(len(keys), os.cpu_count() or 2))
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures: dict[Future[RunOutcome], RunKey] = {
                pool.submit(run_one, plan, key, interpreters[key.target], staged, env, inputs, procs): key
                for key in keys
            }
            pending = set(futures)
            while pending:
                # A timed wait keeps the main thread responsive to Ctrl-C and SIGTERM.
                finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = future.result()
                    done[futures[future]] = outcome
                    if progress is not None:
                        progress(outcome, len(done), len(keys))
        except BaseException:
            procs.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        staged.verify()
        return {key: done[key] for key in plan.run_keys()}


def _prefetch(inputs: KeyInputs, target: str) -> None:
    with contextlib.suppress(Exception):  # the run that needs it computes it again and reports the error
        inputs.target(target)


def run_one(
    plan: Plan,
    key: RunKey,
    interp: Interpreter,
    staged: Stage,
    env: Mapping[str, str],
    inputs: KeyInputs,
    procs: Processes,
) -> RunOutcome:
    checker = checkers.get(key.checker)
    cases = [c for c in plan.corpus.cases if c.applies_to(key.python_version)]
    probes = probe_cases(key.target)
    origin = staged.origin(cases, probes, key.target)
    files = (*(staged.cases[c.id] for c in cases), *(staged.probes[key.target][p.id] for p in probes))
    # Caches are per environment: two environments under one target name never share a mypy cache.
    workdir = plan.workroot / f"{key.target}-{interp.identity}" / f"{key.checker}-py{key.python_version}"
    root = plan.corpus.root.parent
    # Only a checker that keeps a cache waits for the target's fingerprint: the others start at once.
    tag = inputs.target(key.target)[:16] if checker.keeps_cache else "none"
    spec = RunSpec(key, files, interp.executable, key.python_version, workdir, root, plan.reuse, env, origin, tag)
    outcome = RunOutcome(key)
    try:
        executed = execute(checker, spec, plan.timeout, procs, inputs)
    except EngineError as exc:
        outcome.error = str(exc)
        return outcome
    result = outcome.result = executed.result
    outcome.reused = executed.reused
    index = DiagnosticIndex(result)
    originals = [c.path for c in (*cases, *probes)]
    problems = health(result, originals, checker.import_codes, root)
    failed_probes: dict[str, Verdict] = {}
    for probe in probes:
        verdict = judge(probe, checker, result, {}, root, index)
        if verdict.outcome is Outcome.FAIL:
            failed_probes[probe.id] = verdict
    limitation = checker.unsupported.get(key.target)
    if limitation is not None:
        # Still run it: the limitation must be shown to hold exactly, or the entry is stale.
        signature = [
            d
            for d in index.errors(probe_path(key.target, limitation.probe))
            if d.code == limitation.code and limitation.message in d.message
        ]
        if not problems and set(failed_probes) == {limitation.probe} and signature:
            outcome.unsupported = limitation.reason
            outcome.verdicts = {
                c.id: Verdict(c.id, key, Outcome.UNSUPPORTED, (limitation.reason,)) for c in plan.corpus.cases
            }
            _save(executed, spec)
        elif not problems and not failed_probes:
            outcome.error = (
                f"{key}: marked unsupported ({limitation.reason}), but the run is now sound; remove the entry"
            )
        else:
            outcome.error = (
                f"{key}: marked unsupported, but the run fails in another way than documented:\n"
                + "\n".join([*problems, *_probe_lines(failed_probes)])
            )
        return outcome
    problems.extend(_probe_lines(failed_probes))
    if problems:
        outcome.error = f"{key}: run cannot be trusted:\n" + "\n".join(problems)
        return outcome  # and never cached
    _save(executed, spec)
    for case in plan.corpus.cases:
        outcome.verdicts[case.id] = judge(case, checker, result, plan.corpus.divergences, root, index)
    return outcome


def probe_path(target: str, probe_id: str) -> Path:
    return next(p.path for p in probe_cases(target) if p.id == probe_id)


def _probe_lines(failed: Mapping[str, Verdict]) -> list[str]:
    lines: list[str] = []
    for verdict in failed.values():
        probe = next(p for t in TARGET_PROBES for p in probe_cases(t) if p.id == verdict.case)
        lines.append(f"resolution probe {probe.id} ({probe.claim}) failed:")
        lines.extend(f"  {p}" for p in verdict.problems)
    return lines


def _save(executed: Executed, spec: RunSpec) -> None:
    """Only a healthy result is kept for reuse; a broken one must be run again."""
    if executed.fingerprint is not None and not executed.reused:
        resultcache.save(spec.workdir, executed.fingerprint, executed.result)


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


def judged(outcomes: Mapping[RunKey, RunOutcome]) -> int:
    """Cells that were checked and compared with their claim: what exit 0 must rest on."""
    counts = summarize(outcomes)
    return counts[Outcome.PASS] + counts[Outcome.DIVERGENT] + counts[Outcome.FAIL]
