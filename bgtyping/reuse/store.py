"""Reuse a healthy checker run when its key (reuse/key.py) is unchanged, so a rerun costs almost nothing.

Only a run that passed every health check is saved; anything unreadable is a miss, never a hit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast, get_args

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
            diagnostics=_diagnostics(data["diagnostics"]),
            analyzed=frozenset(cast(list[str], analyzed)) if isinstance(analyzed, list) else cast(int | None, analyzed),
            seconds=0.0,
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


_SEVERITIES = frozenset(get_args(Severity))


def _diagnostics(rows: object) -> tuple[Diagnostic, ...]:
    """Tens of thousands a plan: each column's types are checked at once, and anything else is a ValueError."""
    if not isinstance(rows, list) or not all(type(row) is list and len(row) == 6 for row in cast(list[object], rows)):
        raise ValueError("diagnostics")
    if not rows:
        return ()
    paths, lines, columns, severities, codes, messages = zip(*cast(list[list[object]], rows), strict=True)
    if not (
        {type(x) for x in (*paths, *codes, *messages)} == {str}
        and {type(x) for x in (*lines, *columns)} == {int}
        and set(severities) <= _SEVERITIES
    ):
        raise ValueError("diagnostics")
    return tuple(map(Diagnostic, paths, lines, columns, severities, codes, messages))


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


# Saved verdicts hold only how many diagnostics they had: a case's are its run's errors on its file
# (DiagnosticIndex.of_case), taken again from the very result the verdicts were judged from.
_VERDICTS_FORMAT = 2


def load_verdicts(
    workdir: Path, fingerprint: str, key: RunKey, diagnostics: Callable[[str], tuple[Diagnostic, ...]]
) -> dict[str, Verdict] | None:
    """The `.py` cases' verdicts judged from this very result, cases and registry (verdict_key), or None;
    `diagnostics` gives a case's (by id) from that result."""
    try:
        data = cast(dict[str, object], json.loads((workdir / VERDICTS_FILE).read_text(encoding="utf-8")))
        if data["key"] != fingerprint or data.get("format") != _VERDICTS_FORMAT:
            return None
        found: dict[str, Verdict] = {}
        outcomes = {o.name: o for o in Outcome}
        for raw in cast(list[list[object]], data["verdicts"]):
            case = str(raw[0])
            count = raw[2]
            found_diagnostics = diagnostics(case) if count else ()  # a skipped case has none
            if len(found_diagnostics) != count:
                return None
            if len(raw) == 3:  # a verdict with nothing but its outcome and diagnostics: no tuples to build
                found[case] = Verdict(case, key, outcomes[str(raw[1])], diagnostics=found_diagnostics)
                continue
            _, outcome, _, problems, divergences, improved = raw
            found[case] = Verdict(
                case,
                key,
                outcomes[str(outcome)],
                tuple(Problem(*cast(list[Any], p)) for p in cast(list[object], problems)),
                tuple(str(d) for d in cast(list[object], divergences)),
                found_diagnostics,
                tuple((str(i[0]), int(str(i[1]))) for i in cast(list[list[object]], improved)),
            )
        return found
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def save_verdicts(workdir: Path, fingerprint: str, verdicts: Iterable[Verdict]) -> None:
    rows = [
        [v.case, v.outcome.name, len(v.diagnostics)]
        if not (v.problems or v.divergences or v.improved)
        else [
            v.case,
            v.outcome.name,
            len(v.diagnostics),
            [[p.path, p.line, p.checker, p.message, p.broke] for p in v.problems],
            list(v.divergences),
            [list(i) for i in v.improved],
        ]
        for v in verdicts
    ]
    document = {"key": fingerprint, "format": _VERDICTS_FORMAT, "verdicts": rows}
    atomic_write(workdir / VERDICTS_FILE, json.dumps(document))
