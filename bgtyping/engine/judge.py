"""Compare one checker run with one case's claims, line by line and code by code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from ..checkers.protocol import TypeChecker
from ..model import Case, Diagnostic, Divergence, LineSpec, Outcome, Problem, RunResult, Verdict


def expected_codes(spec: LineSpec, checker: TypeChecker) -> frozenset[str]:
    """The codes that the truth of this line predicts for this checker."""
    for name in (checker.name, checker.family):
        if name in spec.explicit:
            return spec.explicit[name]
    return frozenset(code for kind in spec.kinds for code in checker.codes[kind])


class DiagnosticIndex:
    """A run's errors grouped by file and line once, so judging a case costs its own lines only."""

    def __init__(self, result: RunResult) -> None:
        self._by_path: dict[str, dict[int, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))
        for diag in result.diagnostics:
            if diag.severity == "error":
                self._by_path[diag.path][diag.line].append(diag)

    def by_line(self, path: Path) -> dict[int, list[Diagnostic]]:
        return self._by_path.get(str(path), {})

    def errors(self, path: Path) -> list[Diagnostic]:
        return [d for line in self.by_line(path).values() for d in line]


def judge(
    case: Case,
    checker: TypeChecker,
    result: RunResult,
    divergences: Mapping[str, Divergence],
    root: Path,
    index: DiagnosticIndex | None = None,
) -> Verdict:
    key = result.key
    if not case.applies_to(key.python_version):
        return Verdict(case.id, key, Outcome.SKIP)
    actual = (index or DiagnosticIndex(result)).by_line(case.path)
    problems: list[Problem] = []
    used: list[str] = []

    def at(line: int, message: str) -> Problem:  # only for a problem: most cases have none, and the path costs
        return Problem(_rel(case.path, root), line, checker.name, message)

    for line in sorted(set(actual) | set(case.lines)):
        spec = case.lines.get(line, LineSpec())
        truth = expected_codes(spec, checker)
        known = [
            divergences[d]
            for d in spec.divergences
            if checker.name in divergences[d].reports and key.target in divergences[d].targets
        ]
        idle = [d.id for d in known if d.reports[checker.name] == truth]
        if idle:
            problems.append(
                at(
                    line,
                    f"divergence [{', '.join(idle)}] changes nothing on this line: "
                    f"its reports for {checker.name} equal what the line claims ({_codes(truth)}); it is stale",
                )
            )
            continue
        expected = frozenset[str]().union(*(d.reports[checker.name] for d in known)) if known else truth
        diags = actual.get(line, [])
        got = frozenset(d.code for d in diags)
        if got == expected:
            used.extend(d.id for d in known)
            continue
        if known and got == truth:
            ids = ", ".join(d.id for d in known)
            problems.append(
                at(
                    line,
                    f"now reports the truth ({_codes(truth)}); the recorded "
                    f"known divergence [{ids}] no longer reproduces with this {checker.name} version",
                )
            )
            continue
        want = f"expected {_codes(expected)}" + (f" (known divergence {[d.id for d in known]})" if known else "")
        if not diags:
            problems.append(at(line, f"{want}, got no error"))
            continue
        for diag in diags:
            note = "unexpected" if diag.code not in expected else "expected"
            problems.append(at(line, f"{diag.code or '-'} {diag.message}  [{note}; {want}]"))
        problems.extend(at(line, f"missing expected {code}") for code in sorted(expected - got))
    all_diags = tuple(d for line in sorted(actual) for d in actual[line])
    if problems:
        return Verdict(case.id, key, Outcome.FAIL, tuple(problems), tuple(used), all_diags)
    outcome = Outcome.DIVERGENT if used else Outcome.PASS
    return Verdict(case.id, key, outcome, (), tuple(dict.fromkeys(used)), all_diags)


def _codes(codes: frozenset[str]) -> str:
    return "+".join(sorted(codes)) if codes else "no error"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
