"""Run every (checker, target, Python version) once over the whole corpus, in parallel, failing closed.

Before any checker starts: every target's interpreter is asked what it is (preflight), the corpus is
staged (copied, as the bytes that were parsed) into the workdir, and the workdir is locked against a
second engine process. Checkers read only the staged copies, in an engine-owned folder, with an
engine-written config and the controlled environment (host/hermetic.py).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from .. import checkers, pinned
from ..checkers.protocol import RunSpec, TypeChecker
from ..host.hermetic import controlled_env
from ..host.interpreter import Interpreter
from ..host.procs import Processes
from ..model import EngineError, Outcome, Plan, RunKey, RunOutcome, RunResult, Verdict
from ..reuse import store
from ..reuse.key import KeyInputs, checker_interpreter, verdict_key
from .execute import Executed, execute, find_executable
from .health import health, probe_cases, probe_lines, probe_path
from .judge import DiagnosticIndex, judge
from .stage import Stage, locked, stage
from .targets import preflight

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
        interpreters = dict(interpreters) if interpreters is not None else preflight(plan.targets, plan.workroot, env)
        staged = stage(plan)
        keys = start_order(
            plan.run_keys(),
            lambda k: (
                checkers.get(k.checker).keeps_cache
                and not staged.run_folder(plan.workroot, k, interpreters[k.target]).is_dir()
            ),
        )
        installations = _checker_interpreters(keys) if plan.reuse else set[Path]()
        inputs = KeyInputs(plan.workroot, env, interpreters, staged.data, installations)
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
            if plan.corpus.yaml_entries:
                from . import yamlrun

                yamlrun.PROCESSES.cancel()  # the YAML items' runs
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        inputs.save_memo()
        staged.verify()
        return {key: done[key] for key in plan.run_keys()}


def start_order(keys: Iterable[RunKey], cold: Callable[[RunKey], bool]) -> list[RunKey]:
    """Longest first, so no long run is queued behind short ones. `cost` ranks runs with their caches in
    place; a run whose checker keeps a cache it has not built yet is longer than any (mypy builds
    typeshed's: 2.2 s, against pyright's 1.5 s at 1x), so those start first. `cold` tells them by their
    run folder not being there yet (a fresh workdir); a changed target, which gets a new cache in an
    existing folder, is not told apart: the order is a matter of time only, never of a verdict."""
    return sorted(keys, key=lambda k: (not cold(k), checkers.get(k.checker).cost))


def _checker_interpreters(keys: Iterable[RunKey]) -> set[Path]:
    """The interpreters the plan's checkers run on, whose installations their reuse keys walk."""
    found: set[Path] = set()
    for name in {k.checker for k in keys}:
        with contextlib.suppress(EngineError):  # not installed: that checker's runs say so
            python = checker_interpreter(find_executable(checkers.get(name).executable))
            if python is not None:
                found.add(python)
    return found


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
    # Caches are per environment and corpus: two environments under one target name, or two corpora, never
    # share a mypy cache.
    workdir = staged.run_folder(plan.workroot, key, interp)
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
            outcome.verdicts = {c.id: Verdict(c.id, key, Outcome.UNSUPPORTED) for c in plan.corpus.cases}
            if plan.corpus.yaml_entries:
                from . import yamlmatrix

                outcome.verdicts.update(yamlmatrix.unsupported(plan, key))
            _save(executed, spec)
        elif not problems and not failed_probes:
            outcome.error = (
                f"{key}: marked unsupported ({limitation.reason}), but the run is now sound; remove the entry"
            )
        else:
            outcome.error = (
                f"{key}: marked unsupported, but the run fails in another way than documented:\n"
                + "\n".join([*problems, *probe_lines(failed_probes)])
            )
        return outcome
    problems.extend(probe_lines(failed_probes))
    if problems:
        outcome.error = f"{key}: run cannot be trusted:\n" + "\n".join(problems)
        return outcome  # and never cached
    _save(executed, spec)
    # The version the committed results were made with (as the checker names itself): at that version a
    # divergence that stops reproducing can only come from a changed target.
    recorded = f"{checker.name} {v}" if (v := pinned().get(checker.name)) else None
    judged = _py_verdicts(plan, checker, result, index, executed, inputs, recorded, workdir)
    outcome.verdicts.update(judged)
    if plan.corpus.yaml_entries:
        # The YAML items in their own runs, in the same environment, now proven to resolve. Imported
        # here: a corpus without them does not pay for Jinja and `regex` at start-up.
        from . import yamlmatrix

        mypy = find_executable(checker.executable) if key.checker == "mypy" else ""
        try:
            reuse = None
            if plan.reuse:  # the executable the YAML items' runs start: mypy's, or the checker's own
                part = inputs.checker(checker, mypy or find_executable(checker.executable))
                reuse = yamlmatrix.Reuse(inputs, part, workdir)
            found = yamlmatrix.verdicts(plan, key, interp.executable, mypy, workdir / "yaml", reuse)
            outcome.verdicts.update(found)
        except EngineError as exc:
            outcome.error = f"{key}: the YAML items cannot be judged: {exc}"
    return outcome


def _py_verdicts(
    plan: Plan,
    checker: TypeChecker,
    result: RunResult,
    index: DiagnosticIndex,
    executed: Executed,
    inputs: KeyInputs,
    recorded: str | None,
    workdir: Path,
) -> dict[str, Verdict]:
    """The `.py` cases' verdicts: judged, or with --reuse taken from the last judging of this very result."""
    root = plan.corpus.root.parent
    saved_key = None
    if executed.fingerprint is not None:
        settings = {"strict": plan.strict_divergences, "recorded": recorded, "root": root}
        saved_key = verdict_key(inputs, executed.fingerprint, plan.corpus.cases, plan.corpus.divergences, settings)
        paths = {c.id: c.path for c in plan.corpus.cases}
        saved = None
        if executed.reused:
            saved = store.load_verdicts(workdir, saved_key, result.key, lambda case: index.of_case(paths[case]))
        if saved is not None and set(saved) == set(paths):
            return saved
    found: dict[str, Verdict] = {}
    for case in plan.corpus.cases:
        found[case.id] = judge(
            case, checker, result, plan.corpus.divergences, root, index,
            strict=plan.strict_divergences, recorded=recorded,
        )  # fmt: skip
    if saved_key is not None:
        store.save_verdicts(workdir, saved_key, found.values())
    return found


def _save(executed: Executed, spec: RunSpec) -> None:
    """Only a healthy result is kept for reuse; a broken one must be run again."""
    if executed.fingerprint is not None and not executed.reused:
        store.save(spec.workdir, executed.fingerprint, executed.result)


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
