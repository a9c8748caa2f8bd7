"""CLI: run the corpus and print the case x checker matrix; exit 1 on any failure, 2 on bad input."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import ci, results
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
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a run whose command, files and environment are all unchanged"
    )
    parser.add_argument("--select", metavar="GLOB", help="only cases whose path below cases/ matches, e.g. 'sync/*'")
    parser.add_argument("--junitxml", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument(
        "--github-annotations", action="store_true", help="print ::error annotations for GitHub Actions"
    )
    parser.add_argument("--results", type=Path, metavar="DIR", help="write one results file per checker here")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="print every cell that differs from the results in DIR; exit 1 if any",
    )
    args = parser.parse_args(argv)
    try:
        plan = Plan(
            corpus=load_corpus(args.corpus, args.select),
            checkers=tuple(args.checker or ("mypy", "pyright")),
            targets=parse_targets(args.target),
            python_versions=tuple(args.python or ("3.11",)),
            workroot=Path(args.workdir).absolute(),
            timeout=args.timeout,
            reuse=args.reuse,
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
    if args.junitxml:
        args.junitxml.write_text(ci.junit(plan, outcomes), encoding="utf-8")
    if args.github_annotations:
        print("\n".join(ci.github_annotations(outcomes, plan.corpus.root.parent)))
    changed = False
    if args.results or args.compare:
        docs = results.collect(plan, outcomes)
        if args.results:
            results.write(args.results, docs)
        if args.compare:
            changes = results.diff(results.load(args.compare), docs)
            print(f"\n{len(changes)} cells differ from {args.compare}" + (":" if changes else ""))
            print("\n".join(f"  {c}" for c in changes))
            changed = bool(changes)
    return 1 if failed or broken or changed else 0


_ORDER = (Outcome.FAIL, Outcome.DIVERGENT, Outcome.PASS, Outcome.SKIP, Outcome.UNSUPPORTED)


def render_matrix(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> str:
    """Rows are cases, columns checker x target; a cell is the worst verdict over the Python versions."""
    columns = list(dict.fromkeys((k.checker, k.target) for k in plan.run_keys()))
    header = ["case", *(f"{c}/{t}" for c, t in columns)]
    rows: list[list[str]] = []
    for case in plan.corpus.cases:
        row = [f"{case.group}/{case.id}"]
        for checker, target in columns:
            runs = [o for k, o in outcomes.items() if (k.checker, k.target) == (checker, target)]
            if any(o.error for o in runs):
                row.append("BROKEN")
                continue
            seen = {o.verdicts[case.id].outcome for o in runs if case.id in o.verdicts}
            row.append(next((_CELL[v] for v in _ORDER if v in seen), "-"))
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]]
    failures = [
        f"{p}" for o in outcomes.values() for v in o.verdicts.values() if v.outcome is Outcome.FAIL for p in v.problems
    ]
    return "\n".join([*lines, *([""] if failures else []), *failures])


if __name__ == "__main__":
    sys.exit(main())
