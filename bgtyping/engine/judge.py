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


_NO_CLAIM = LineSpec()  # a line without a claim


class DiagnosticIndex:
    """A run's errors grouped by file and line once, so judging a case costs its own lines only; and
    the codes each distinct claim expects, worked out once per run (the parse cache gives repeated
    claims one LineSpec object)."""

    def __init__(self, result: RunResult) -> None:
        self._by_path: dict[str, dict[int, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))
        for diag in result.diagnostics:
            if diag.severity == "error":
                self._by_path[diag.path][diag.line].append(diag)
        # (checker, spec) ids -> both (kept, so neither id is reused) and the codes
        self._expected: dict[tuple[int, int], tuple[TypeChecker, LineSpec, frozenset[str]]] = {}

    def expected(self, spec: LineSpec, checker: TypeChecker) -> frozenset[str]:
        found = self._expected.get((id(checker), id(spec)))
        if found is None:
            found = self._expected[(id(checker), id(spec))] = (checker, spec, expected_codes(spec, checker))
        return found[2]

    def by_line(self, path: Path) -> dict[int, list[Diagnostic]]:
        return self._by_path.get(str(path), {})

    def errors(self, path: Path) -> list[Diagnostic]:
        return [d for line in self.by_line(path).values() for d in line]

    def of_case(self, path: Path) -> tuple[Diagnostic, ...]:
        """A case's errors as its verdict holds them: by line, then in the run's order."""
        actual = self.by_line(path)
        return tuple(d for line in sorted(actual) for d in actual[line])


def judge(
    case: Case,
    checker: TypeChecker,
    result: RunResult,
    divergences: Mapping[str, Divergence],
    root: Path,
    index: DiagnosticIndex | None = None,
    *,
    strict: bool = False,
    recorded: str | None = None,
) -> Verdict:
    """`strict`: a target's divergence that no longer reproduces fails too; `recorded`: the checker version
    (as `result.version` spells it) the corpus was recorded with, to say who changed when a checker's stops."""
    key = result.key
    if not case.applies_to(key.python_version):
        return Verdict(case.id, key, Outcome.SKIP)
    index = index or DiagnosticIndex(result)
    actual = index.by_line(case.path)
    problems: list[Problem] = []
    used: list[str] = []
    improved: list[tuple[str, int]] = []

    def at(line: int, message: str, broke: str) -> Problem:  # only for a problem: the path costs
        return Problem(_rel(case.path, root), line, checker.name, message, broke)

    for line in sorted(set(actual) | set(case.lines)):
        spec = case.lines.get(line, _NO_CLAIM)
        truth = index.expected(spec, checker)
        known = [
            divergences[d]
            for d in spec.divergences
            if checker.name in divergences[d].reports and key.target in divergences[d].targets
        ]
        idle = [d.id for d in known if d.reports[checker.name] == truth] if known else None
        if idle:
            problems.append(
                at(
                    line,
                    f"divergence [{', '.join(idle)}] changes nothing on this line: "
                    f"its reports for {checker.name} equal what the line claims ({_codes(truth)}); it is stale",
                    "idle",
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
            if all(d.owner == "target" for d in known):
                # The target's own typing improved: good news, and only our own CI insists on the entry.
                if not strict:
                    improved.extend((d.id, line) for d in known)
                    continue
                problems.append(
                    at(
                        line,
                        f"now reports the truth ({_codes(truth)}): the target's typing improved, so the recorded "
                        f"divergence [{ids}] of the target no longer reproduces; retire or narrow the entry",
                        "improved",
                    )
                )
                continue
            if recorded is not None and recorded == result.version:
                # At the version the corpus was recorded with, only the target can have changed what it sees.
                message = (
                    f"the target changed: known divergence [{ids}] no longer reproduces with {recorded}, the "
                    f"version the corpus was recorded with; it now reports the truth ({_codes(truth)})"
                )
            else:
                message = (
                    f"now reports the truth ({_codes(truth)}); the recorded known divergence [{ids}] no longer "
                    f"reproduces with this {checker.name} version"
                    + (f" (the corpus was recorded with {recorded})" if recorded else "")
                )
            problems.append(
                at(
                    line,
                    message,
                    "stale",
                )
            )
            continue
        want = f"expected {_codes(expected)}" + (f" (known divergence {[d.id for d in known]})" if known else "")
        if not diags:
            problems.append(at(line, f"{want}, got no error", "accepted"))
            continue
        broke = "rejected" if not expected else "changed"
        for diag in diags:
            note = "unexpected" if diag.code not in expected else "expected"
            problems.append(at(line, f"{diag.code or '-'} {diag.message}  [{note}; {want}]", broke))
        problems.extend(at(line, f"missing expected {code}", broke) for code in sorted(expected - got))
    all_diags = index.of_case(case.path)
    if problems:
        return Verdict(case.id, key, Outcome.FAIL, tuple(problems), tuple(used), all_diags, tuple(improved))
    outcome = Outcome.DIVERGENT if used else Outcome.PASS
    return Verdict(case.id, key, outcome, (), tuple(dict.fromkeys(used)), all_diags, tuple(improved))


def _codes(codes: frozenset[str]) -> str:
    return "+".join(sorted(codes)) if codes else "no error"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
