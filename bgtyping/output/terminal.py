"""What a person reads on the terminal: progress, the summary line and the case x checker/target matrix."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import escape
from ..model import BROKEN, VERDICT_WORDS, WORST_FIRST, Outcome, Plan, RunKey, RunOutcome
from .groups import example_line, findings, group, improvements

if TYPE_CHECKING:  # names for annotations: the engine itself is imported after the targets are asked
    from ..engine.run import Progress
    from ..host.interpreter import Definition


def out(text: str) -> None:
    """A line (or lines) for stdout: whatever data it holds is shown inert (escape.lines)."""
    print(escape.lines(text))


def err(text: str) -> None:
    print(escape.lines(text), file=sys.stderr)


# One character a cell, so a six-checker, two-target matrix fits a terminal; the legend is printed with it.
_CELL = {outcome: VERDICT_WORDS[outcome.value].mark for outcome in Outcome}
_LEGEND = "legend: " + "   ".join(
    f"{w.mark} {w.meaning}" for w in (*(VERDICT_WORDS[o.value] for o in Outcome), VERDICT_WORDS[BROKEN])
)
_ORDER = tuple(Outcome(v) for v in WORST_FIRST if v != BROKEN)


def progress_printer() -> Progress:
    started = time.monotonic()
    live = sys.stderr.isatty()

    def show(outcome: RunOutcome, done: int, total: int) -> None:
        state = BROKEN if outcome.error else "reused" if outcome.reused else "done"
        text = f"[{done}/{total}] {outcome.key} {state} ({time.monotonic() - started:.0f} s elapsed)"
        if live:
            end = "\n" if done == total else ""
            print(f"\r\033[K{text}", end=end, file=sys.stderr, flush=True)
        else:
            print(text, file=sys.stderr, flush=True)

    return show


def summary_line(counts: Mapping[Outcome, int], broken: int, runs: int) -> str:
    """Counts of cells; the known divergences are a part of the passed ones, and say so."""
    passed = counts[Outcome.PASS] + counts[Outcome.DIVERGENT]
    known = (
        f" (of which {counts[Outcome.DIVERGENT]} as a known divergence predicts)" if counts[Outcome.DIVERGENT] else ""
    )
    return (
        f"{passed} passed{known}, {counts[Outcome.FAIL]} failed, {counts[Outcome.SKIP]} skipped, "
        f"{counts[Outcome.UNSUPPORTED]} unsupported; {broken} of {runs} runs broken"
    )


def render_matrix(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> str:
    """Rows are cases, one narrow column per checker/target; a cell is the worst verdict over the Pythons."""
    columns = list(dict.fromkeys((k.checker, k.target) for k in plan.run_keys()))
    key = "  ".join(f"{i + 1}={c}/{t}" for i, (c, t) in enumerate(columns))
    names = [f"{case.group}/{case.id}" for case in plan.corpus.every_case]
    width = max(len(n) for n in [*names, "case"])
    lines = [
        f"columns: {key}",
        _LEGEND,
        "",
        "case".ljust(width) + " " + "".join(f"{i + 1:>3}" for i in range(len(columns))),
    ]
    for case, name in zip(plan.corpus.every_case, names, strict=True):
        cells: list[str] = []
        for checker, target in columns:
            runs = [o for k, o in outcomes.items() if (k.checker, k.target) == (checker, target)]
            if any(o.error for o in runs):
                cells.append(VERDICT_WORDS[BROKEN].mark)
                continue
            seen = {o.verdicts[case.id].outcome for o in runs if case.id in o.verdicts}
            cells.append(next((_CELL[v] for v in _ORDER if v in seen), "?"))
        lines.append(name.ljust(width) + " " + "".join(f"{c:>3}" for c in cells))
    return "\n".join(lines)


def render_failures(
    plan: Plan,
    outcomes: Mapping[RunKey, RunOutcome],
    cwd: Path,
    definitions: Mapping[str, Mapping[str, Definition]] | None = None,
    *,
    verbose: bool = False,
    examples: int = 3,
) -> str:
    """Every failed line (verbose), or one line per group of what broke and a few example calls."""
    if verbose:
        return "\n".join(
            escape.line(str(p))
            for o in outcomes.values()
            for v in o.verdicts.values()
            if v.outcome is Outcome.FAIL
            for p in v.problems
        )
    found = list(findings(plan, outcomes))
    lines: list[str] = []
    shown = 0
    for g in group(found, definitions):
        lines.append(escape.line(f"FAILED {g.headline(cwd)}"))
        for fs in g.examples(examples):
            lines.append(escape.line(f"  e.g. {example_line(fs, _case_path(plan, fs[0].case.path))}"))
            shown += len(fs)
    if len(found) > shown:
        lines.append(f"({len(found)} failed lines in all: --verbose, the --junitxml file or the job summary list each)")
    return "\n".join(lines)


def render_improvements(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> str:
    return "\n".join(escape.line(f"notice: {i.message()}") for i in improvements(plan, outcomes))


def _case_path(plan: Plan, path: Path) -> str:
    cases = plan.corpus.root / "cases"
    return str(path.relative_to(cases)) if path.is_relative_to(cases) else path.name
