"""CLI: run the corpus and print the case x checker matrix; exit 1 on any failure, 2 on bad input."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from .corpus import load_corpus
from .model import EngineError, Outcome, RunKey
from .runner import Plan, RunOutcome, parse_targets, run_plan, summarize

CORPUS = Path(__file__).resolve().parent.parent
_CELL = {
    Outcome.PASS: "ok",
    Outcome.DIVERGENT: "known",
    Outcome.FAIL: "FAIL",
    Outcome.SKIP: "skip",
    Outcome.UNSUPPORTED: "n/a",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m typing_tests.engine", description=__doc__)
    parser.add_argument("--target", action="append", required=True, metavar="NAME=PYTHON")
    parser.add_argument("--checker", action="append", metavar="NAME")
    parser.add_argument("--python", action="append", metavar="X.Y")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--workdir", default=".typing-cache")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--select", metavar="GLOB", help="only cases whose path below cases/ matches, e.g. 'sync/*'")
    args = parser.parse_args(argv)
    try:
        plan = Plan(
            corpus=load_corpus(args.corpus, args.select),
            checkers=tuple(args.checker or ("mypy", "pyright")),
            targets=parse_targets(args.target),
            python_versions=tuple(args.python or ("3.11",)),
            workroot=Path(args.workdir).absolute(),
            timeout=args.timeout,
        )
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    outcomes = run_plan(plan)
    print(render_matrix(plan, outcomes))
    broken = [o for o in outcomes.values() if o.error is not None]
    for outcome in broken:
        print(f"\nerror: {outcome.error}", file=sys.stderr)
    for outcome in outcomes.values():
        if outcome.unsupported:
            print(f"\nunsupported: {outcome.key}: {outcome.unsupported}")
    counts = summarize(outcomes)
    failed = counts[Outcome.FAIL]
    print(
        f"\n{counts[Outcome.PASS] + counts[Outcome.DIVERGENT]} passed, {failed} failed, "
        f"{counts[Outcome.SKIP]} skipped, {counts[Outcome.UNSUPPORTED]} unsupported "
        f"({counts[Outcome.DIVERGENT]} with a known divergence); "
        f"{len(broken)} of {len(outcomes)} runs broken"
    )
    return 1 if failed or broken else 0


def render_matrix(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> str:
    keys = plan.run_keys()
    header = ["case", *(str(k) for k in keys)]
    rows: list[list[str]] = []
    for case in plan.corpus.cases:
        row = [f"{case.group}/{case.id}"]
        for key in keys:
            outcome = outcomes[key]
            verdict = outcome.verdicts.get(case.id)
            row.append("BROKEN" if outcome.error or verdict is None else _CELL[verdict.outcome])
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]]
    failures = [
        f"{p}" for key in keys for v in outcomes[key].verdicts.values() if v.outcome is Outcome.FAIL for p in v.problems
    ]
    return "\n".join([*lines, *([""] if failures else []), *failures])


if __name__ == "__main__":
    sys.exit(main())
