"""The corpus's YAML items in the main job: a verdict per item for one (checker, target, Python version).

mypy gives pytest-mypy-plugins' exact verdict (yamlrun), pointed at the target's interpreter; every
other checker the line-by-line one (yamlcheck). Items are judged at the plan's first Python version
only (pytest-mypy-plugins runs a suite at one version); at the others they are skipped. An item not
comparable under a checker, by its own key, is `unsupported` there; an item for other targets only is
skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..model import Case, Corpus, EngineError, Outcome, Plan, Problem, RunKey, Verdict, YamlCase
from ..reuse.key import KeyInputs
from . import yamlcheck, yamlrun


def judged_at(plan: Plan) -> str:
    """The one Python version the YAML items are judged at."""
    return plan.python_versions[0]


def options(plan: Plan, key: RunKey, python: Path, mypy: str, workdir: Path) -> yamlrun.Options:
    """pytest-mypy-plugins' options for this run's items, and where they run."""
    ini = plan.corpus.root / "yaml" / "mypy.ini"
    return yamlrun.Options(
        ini_file=ini if ini.is_file() else None,
        # MYPYPATH holds the rootdir: the engine's own folder, never the corpus (from a wheel it lies in
        # site-packages, and mypy refuses a MYPYPATH there).
        rootdir=workdir,
        workdir=workdir,
        jobs=1,  # the main job already runs one checker per core
        mypy=mypy,
        mypy_flags=("--python-executable", str(python), "--python-version", key.python_version),
        base_names_main=yamlrun.names_main(ini if ini.is_file() else None),
    )


def verdicts(
    plan: Plan, key: RunKey, python: Path, mypy: str, workdir: Path, reuse: Reuse | None = None
) -> dict[str, Verdict]:
    """Every YAML entry's verdict for this run; a run that cannot be trusted raises EngineError.

    `reuse`: the saved verdicts are taken when their key (reuse/yamlkey.py) is unchanged, and a new
    set that may be reused is saved."""
    corpus = plan.corpus
    if not corpus.yaml_entries:
        return {}
    if key.python_version != judged_at(plan):  # nothing runs: no items to render
        return {e.id: Verdict(e.id, key, Outcome.SKIP) for e in corpus.yaml_entries}
    run_options = options(plan, key, python, mypy, workdir)
    # Each `skip:` is evaluated once: it may read a file or the clock, and the key must hold what the run used.
    skipped = {(str(c.path), c.id): yamlrun.skips(c) for c in corpus.yaml_cases}
    if reuse is None:
        return _verdicts(plan, key, python, run_options, skipped)
    from ..reuse import yamlkey

    settings = {
        "options": repr(run_options),
        "python": python,
        "judged_at": judged_at(plan),
        "skips": _skips(corpus, skipped),
    }
    fingerprint = yamlkey.yaml_key(reuse.inputs, corpus, key, reuse.checker, settings)
    ids = {e.id for e in corpus.yaml_entries}
    saved = yamlkey.load(reuse.folder, fingerprint, key, ids)
    if saved is not None:
        return saved
    yamlkey.forget(reuse.folder)  # stale: gone before the run, so a broken run leaves nothing to trust
    found = _verdicts(plan, key, python, run_options, skipped)
    yamlkey.save(reuse.folder, fingerprint, key, found)
    return found


def _skips(corpus: Corpus, skipped: Mapping[tuple[str, str], bool]) -> str:
    """What each `skip:` said: it is Python with `os`, and may read a file or the clock, which no other
    part of the key covers (a saved SKIP must not stand once the item would run)."""
    trivial = ("False", "false", "")
    return json.dumps(
        [[c.id, str(c.path), skipped[str(c.path), c.id]] for c in corpus.yaml_cases if c.skip.strip() not in trivial]
    )


@dataclass(frozen=True)
class Reuse:
    """What the YAML key needs from the run: the plan's key parts, the checker's part, where to save."""

    inputs: KeyInputs
    checker: str
    folder: Path


def _verdicts(
    plan: Plan, key: RunKey, python: Path, options: yamlrun.Options, skipped: Mapping[tuple[str, str], bool]
) -> dict[str, Verdict]:
    corpus = plan.corpus
    entries = {e.id: e for e in corpus.yaml_entries}
    folder = corpus.root / "yaml"
    items = yamlrun.items(corpus.yaml_cases, folder)
    found: dict[str, Verdict] = {}
    live: list[yamlrun.Item] = []
    for item in items:
        entry = entries[item.nodeid]
        item.skipped = skipped[str(item.case.path), item.case.id]
        if item.skipped or key.python_version != judged_at(plan) or not entry.applies_on(key.target):
            found[entry.id] = Verdict(entry.id, key, Outcome.SKIP)
        else:
            live.append(item)
    if not live:
        return found
    for item in live:
        item.solo_reason = yamlrun.solo_reason(item, options)
    root = corpus.root.parent
    if key.checker == "mypy":
        yamlrun.run_items(live, options)
        for item in live:
            entry = entries[item.nodeid]
            if item.problems or not item.judged:
                problems = [_problem(entry, item.case, root, "mypy", "", 0, p) for p in item.problems or ["no verdict"]]
                found[entry.id] = Verdict(entry.id, key, Outcome.FAIL, tuple(problems))
            else:
                found[entry.id] = Verdict(entry.id, key, Outcome.PASS)
        return found
    cells = yamlcheck.run_checker(
        live, key.checker, options, python, key.python_version, None, corpus.divergences, key.target
    )
    for cell in cells:
        entry = entries[cell.item.nodeid]
        if cell.outcome == yamlcheck.PASS:
            outcome = Outcome.DIVERGENT if cell.divergences else Outcome.PASS  # as for a `.py` case
            found[entry.id] = Verdict(entry.id, key, outcome, divergences=cell.divergences)
        elif cell.outcome == yamlcheck.NOT_COMPARABLE:
            found[entry.id] = Verdict(entry.id, key, Outcome.UNSUPPORTED)
        else:
            problems = [
                _problem(entry, cell.item.case, root, key.checker, m.fname, m.line, m.message) for m in cell.problems
            ]
            found[entry.id] = Verdict(entry.id, key, Outcome.FAIL, tuple(problems))
    missing = set(entries) - set(found)
    if missing:  # by construction every entry has a verdict; if not, the run proves nothing
        raise EngineError(f"{key}: {len(missing)} YAML items got no verdict: {', '.join(sorted(missing)[:3])}")
    return found


def _problem(entry: Case, case: YamlCase, root: Path, checker: str, fname: str, line: int, message: str) -> Problem:
    """A problem at the YAML file's own line: a line of `main` where it is one, else the case's `main:` key."""
    at = entry.main_line + line - 1 if fname == "main" and line > 0 and entry.main_line else case.line
    where = f"{fname}:{line}: " if fname and fname != "main" else ""
    try:
        path = str(entry.path.relative_to(root))
    except ValueError:
        path = str(entry.path)
    return Problem(path, at, checker, f"{entry.id.partition('::')[2]}: {where}{message}")


def unsupported(plan: Plan, key: RunKey) -> Mapping[str, Verdict]:
    """A run the engine proved unsupported (zuban on the stubs): every YAML entry is unsupported too."""
    return {e.id: Verdict(e.id, key, Outcome.UNSUPPORTED) for e in plan.corpus.yaml_entries}
