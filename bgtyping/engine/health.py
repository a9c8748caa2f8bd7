"""Health checks: a run counts only when it saw every file, resolved everything and flagged every probe."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import escape
from ..corpus.pycases import parse_case
from ..model import TARGET_FINGERPRINTS, Case, EngineError, RunResult, Verdict
from ..paths import PROBES


@functools.cache  # the same few files for every run of a target
def probe_cases(target: str) -> tuple[Case, ...]:
    """Engine-owned cases that prove resolution; each target has its own fingerprint."""
    found: list[Case] = []
    for folder in (PROBES / "common", PROBES / TARGET_FINGERPRINTS[target]):
        for path in sorted(folder.glob("check_*.py")):
            probe = parse_case(path, folder, {})
            if len([line for line in probe.data.splitlines() if line.strip()]) < 2:
                raise EngineError("a resolution probe holds nothing but its docstring, so it cannot fail", path=path)
            found.append(probe)
    if not any(spec.must_fail for probe in found for spec in probe.lines.values()):
        # Probes that claim no error prove nothing: a checker that sees everything as Any would pass them.
        raise EngineError(f"the resolution probes of target {target} claim no error, so they cannot fail", path=PROBES)
    return tuple(found)


def probe_path(target: str, probe_id: str) -> Path:
    return next(p.path for p in probe_cases(target) if p.id == probe_id)


def probe_lines(failed: Mapping[str, Verdict]) -> list[str]:
    lines: list[str] = []
    for verdict in failed.values():
        probe = next(p for t in TARGET_FINGERPRINTS for p in probe_cases(t) if p.id == verdict.case)
        lines.append(f"resolution probe {probe.id} ({probe.claim}) failed:")
        lines.extend(f"  {escape.line(str(p))}" for p in verdict.problems)
    return lines


def health(result: RunResult, files: Sequence[Path], import_codes: frozenset[str], root: Path) -> list[str]:
    """Prove the run saw the whole corpus and resolved starlette/fastapi."""
    problems: list[str] = []
    checked = {str(p) for p in files}
    for diag in result.diagnostics:
        if diag.code in import_codes:
            problems.append(f"import did not resolve: {escape.line(diag.render(result.key.checker, root))}")
        elif diag.severity == "error" and diag.path not in checked:
            problems.append(f"error outside the corpus: {escape.line(diag.render(result.key.checker, root))}")
    analyzed = result.analyzed
    if analyzed is None:
        problems.append("the checker did not say which files it analysed")
    elif isinstance(analyzed, int):
        # Exactly the batch: a checker reads its list from a file whose entries may be patterns, so one
        # that matched a neighbour too, or an include it fell back from, is as wrong as one it missed.
        if analyzed != len(files):
            problems.append(f"analysed {analyzed} files, but the batch holds {len(files)}")
    else:
        missing = sorted(p.stem for p in files if str(p) not in analyzed)
        if missing:
            problems.append(f"did not analyse {len(missing)} of {len(files)} files: {', '.join(missing[:10])}")
    return problems
