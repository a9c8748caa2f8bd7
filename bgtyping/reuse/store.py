"""Reuse a healthy checker run when its key (reuse/key.py) is unchanged, so a rerun costs almost nothing.

Only a run that passed every health check is saved; anything unreadable is a miss, never a hit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from ..fsutil import atomic_write
from ..model import Diagnostic, Outcome, Problem, RunKey, RunResult, Severity, Verdict
from ..paths import REUSE_FILE, VERDICTS_FILE


def load(workdir: Path, fingerprint: str) -> RunResult | None:
    try:
        data = cast(dict[str, object], json.loads((workdir / REUSE_FILE).read_text(encoding="utf-8")))
        if data["key"] != fingerprint:
            return None
        raw_key = cast(dict[str, str], data["run"])
        analyzed = data["analyzed"]
        return RunResult(
            key=RunKey(raw_key["checker"], raw_key["target"], raw_key["python_version"]),
            version=str(data["version"]),
            command=tuple(cast(list[str], data["command"])),
            diagnostics=tuple(
                Diagnostic(str(d[0]), int(str(d[1])), int(str(d[2])), cast(Severity, d[3]), str(d[4]), str(d[5]))
                for d in cast(list[list[object]], data["diagnostics"])
            ),
            analyzed=frozenset(cast(list[str], analyzed)) if isinstance(analyzed, list) else cast(int | None, analyzed),
            seconds=0.0,
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def save(workdir: Path, fingerprint: str, result: RunResult) -> None:
    analyzed = sorted(result.analyzed) if isinstance(result.analyzed, frozenset) else result.analyzed
    data = {
        "key": fingerprint,
        "run": {
            "checker": result.key.checker,
            "target": result.key.target,
            "python_version": result.key.python_version,
        },
        "version": result.version,
        "command": list(result.command),
        "diagnostics": [[d.path, d.line, d.column, d.severity, d.code, d.message] for d in result.diagnostics],
        "analyzed": analyzed,
    }
    atomic_write(workdir / REUSE_FILE, json.dumps(data))


def load_verdicts(workdir: Path, fingerprint: str, key: RunKey) -> dict[str, Verdict] | None:
    """The `.py` cases' verdicts judged from this very result, cases and registry (verdict_key), or None."""
    try:
        data = cast(dict[str, object], json.loads((workdir / VERDICTS_FILE).read_text(encoding="utf-8")))
        if data["key"] != fingerprint:
            return None
        found: dict[str, Verdict] = {}
        outcomes = {o.name: o for o in Outcome}
        for raw in cast(list[list[object]], data["verdicts"]):
            if len(raw) == 2:  # a verdict with nothing but its outcome (most of them): no tuples to build
                found[str(raw[0])] = Verdict(str(raw[0]), key, outcomes[str(raw[1])])
                continue
            case, outcome, problems, divergences, diagnostics, improved = raw
            found[str(case)] = Verdict(
                str(case),
                key,
                outcomes[str(outcome)],
                tuple(Problem(*cast(list[Any], p)) for p in cast(list[object], problems)),
                tuple(str(d) for d in cast(list[object], divergences)),
                tuple(_diagnostic(d) for d in cast(list[list[object]], diagnostics)),
                tuple((str(i[0]), int(str(i[1]))) for i in cast(list[list[object]], improved)),
            )
        return found
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _diagnostic(d: list[object]) -> Diagnostic:
    return Diagnostic(str(d[0]), int(str(d[1])), int(str(d[2])), cast(Severity, d[3]), str(d[4]), str(d[5]))


def save_verdicts(workdir: Path, fingerprint: str, verdicts: Iterable[Verdict]) -> None:
    rows = [
        [v.case, v.outcome.name]
        if not (v.problems or v.divergences or v.diagnostics or v.improved)
        else [
            v.case,
            v.outcome.name,
            [[p.path, p.line, p.checker, p.message, p.broke] for p in v.problems],
            list(v.divergences),
            [[d.path, d.line, d.column, d.severity, d.code, d.message] for d in v.diagnostics],
            [list(i) for i in v.improved],
        ]
        for v in verdicts
    ]
    atomic_write(workdir / VERDICTS_FILE, json.dumps({"key": fingerprint, "verdicts": rows}))
