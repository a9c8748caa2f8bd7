"""Verdicts: every line's set of error codes must equal what the case and its divergences predict."""

from __future__ import annotations

from pathlib import Path

import pytest

from bgtyping import checkers
from bgtyping.corpus import load_corpus
from bgtyping.engine.judge import judge
from bgtyping.model import KINDS, Case, Diagnostic, Divergence, Outcome, RunKey, RunResult, Severity, Verdict

from .support import MakeCorpus

SOURCE = '''
"""Claim."""
def f(x: int) -> None: ...
f(1)
f("a")  # E: arg-type
f()  # E: missing-arg  # diverge: known
'''
DIVERGENCE = """
[known]
owner = "checker"
reason = "r"
issue = "https://example.invalid/1"
reports = { mypy = [] }
targets = ["stubs"]
"""


def texts(verdict: Verdict) -> tuple[str, ...]:
    """The problems as every output renders them."""
    return tuple(map(str, verdict.problems))


Loaded = tuple[Case, dict[str, Divergence], Path]
Raw = tuple[int, str, Severity]


@pytest.fixture
def corpus(make_corpus: MakeCorpus) -> Loaded:
    loaded = load_corpus(make_corpus({"check_j.py": SOURCE}, DIVERGENCE))
    return loaded.cases[0], dict(loaded.divergences), loaded.root


def result(case: Case, checker: str, target: str, *diags: Raw) -> RunResult:
    found = tuple(Diagnostic(str(case.path), line, 1, severity, code, f"msg {code}") for line, code, severity in diags)
    return RunResult(RunKey(checker, target, "3.11"), "x 1", (), found, frozenset(), 0.0)


def verdict(corpus: Loaded, checker: str, target: str, *diags: Raw) -> Verdict:
    case, divergences, root = corpus
    return judge(case, checkers.get(checker), result(case, checker, target, *diags), divergences, root)


def test_exact_match_passes(corpus: Loaded) -> None:
    v = verdict(corpus, "pyright", "stubs", (4, "reportArgumentType", "error"), (5, "reportCallIssue", "error"))
    assert v.outcome is Outcome.PASS, v.problems


def test_known_divergence_is_reported_as_such(corpus: Loaded) -> None:
    v = verdict(corpus, "mypy", "stubs", (4, "arg-type", "error"))
    assert v.outcome is Outcome.DIVERGENT
    assert v.divergences == ("known",)


def test_divergence_applies_only_to_its_targets(corpus: Loaded) -> None:
    v = verdict(corpus, "mypy", "inline", (4, "arg-type", "error"))
    assert v.outcome is Outcome.FAIL
    assert any("cases/check_j.py:5 - mypy: expected call-arg, got no error" in p for p in texts(v))


def test_divergence_that_disappears_fails(corpus: Loaded) -> None:
    v = verdict(corpus, "mypy", "stubs", (4, "arg-type", "error"), (5, "call-arg", "error"))
    assert v.outcome is Outcome.FAIL
    assert "known divergence [known] no longer reproduces" in texts(v)[0]


def test_missing_expected_error_fails(corpus: Loaded) -> None:
    v = verdict(corpus, "pyright", "stubs", (5, "reportCallIssue", "error"))
    assert v.outcome is Outcome.FAIL
    assert texts(v) == ("cases/check_j.py:4 - pyright: expected reportArgumentType, got no error",)


def test_unexpected_error_fails_with_clickable_location(corpus: Loaded) -> None:
    diags: list[Raw] = [
        (4, "reportArgumentType", "error"),
        (5, "reportCallIssue", "error"),
        (3, "reportCallIssue", "error"),
    ]
    v = verdict(corpus, "pyright", "stubs", *diags)
    assert v.outcome is Outcome.FAIL
    assert texts(v) == (
        "cases/check_j.py:3 - pyright: reportCallIssue msg reportCallIssue  [unexpected; expected no error]",
    )


def test_wrong_code_on_the_right_line_fails(corpus: Loaded) -> None:
    v = verdict(corpus, "pyright", "stubs", (4, "reportCallIssue", "error"), (5, "reportCallIssue", "error"))
    assert v.outcome is Outcome.FAIL
    assert "[unexpected; expected reportArgumentType]" in texts(v)[0]
    assert texts(v)[1] == "cases/check_j.py:4 - pyright: missing expected reportArgumentType"


def test_warnings_and_notes_are_not_compared(corpus: Loaded) -> None:
    diags: list[Raw] = [
        (4, "reportArgumentType", "error"),
        (5, "reportCallIssue", "error"),
        (3, "x", "warning"),
        (3, "", "note"),
    ]
    assert verdict(corpus, "pyright", "stubs", *diags).outcome is Outcome.PASS


def test_version_gated_case_is_skipped(make_corpus: MakeCorpus) -> None:
    loaded = load_corpus(make_corpus({"check_new-py312.py": SOURCE}, DIVERGENCE))
    case = loaded.cases[0]
    v = judge(case, checkers.get("mypy"), result(case, "mypy", "stubs"), loaded.divergences, loaded.root)
    assert v.outcome is Outcome.SKIP


def test_every_checker_maps_every_kind() -> None:
    for checker in checkers.CHECKERS.values():
        assert set(checker.codes) == set(KINDS), checker.name
        assert all(checker.codes.values()), checker.name


def test_a_divergence_that_changes_nothing_on_its_line_is_stale(make_corpus: MakeCorpus) -> None:
    """Its `reports` equal what the line claims: it hides nothing today and would hide a regression later."""
    toml = '[idle]\nowner = "checker"\nreason = "r"\nissue = "https://e.invalid/2"\nreports = { mypy = ["arg-type"] }\n'
    source = '"""Claim."""\ndef f(x: int) -> None: ...\nf("a")  # E: arg-type  # diverge: idle\n'
    loaded = load_corpus(make_corpus({"check_idle.py": source}, toml))
    (case,) = loaded.cases
    v = judge(
        case,
        checkers.get("mypy"),
        result(case, "mypy", "stubs", (3, "arg-type", "error")),
        loaded.divergences,
        loaded.root,
    )
    assert v.outcome is Outcome.FAIL
    assert "divergence [idle] changes nothing on this line" in texts(v)[0]


TARGET_OWNED = DIVERGENCE.replace("[known]", "[leak]").replace('owner = "checker"', 'owner = "target"')


def _target_owned(make_corpus: MakeCorpus) -> Loaded:
    source = SOURCE.replace("# diverge: known", "# diverge: leak")
    loaded = load_corpus(make_corpus({"check_j.py": source}, TARGET_OWNED))
    return loaded.cases[0], dict(loaded.divergences), loaded.root


def test_a_target_divergence_that_disappears_is_an_improvement_not_a_failure(make_corpus: MakeCorpus) -> None:
    """The library fixed its own typing: the line now shows the truth, and the verdict says which entry."""
    case, divergences, root = _target_owned(make_corpus)
    truth = result(case, "mypy", "stubs", (4, "arg-type", "error"), (5, "call-arg", "error"))
    v = judge(case, checkers.get("mypy"), truth, divergences, root)
    assert v.outcome is Outcome.PASS, v.problems
    assert v.improved == (("leak", 5),)
    strict = judge(case, checkers.get("mypy"), truth, divergences, root, strict=True)
    assert strict.outcome is Outcome.FAIL
    (problem,) = strict.problems
    assert problem.broke == "improved"
    assert "the target's typing improved" in problem.message
    assert "[leak]" in problem.message


def test_a_checker_divergence_that_disappears_at_the_recorded_version_blames_the_target(corpus: Loaded) -> None:
    case, divergences, root = corpus
    truth = result(case, "mypy", "stubs", (4, "arg-type", "error"), (5, "call-arg", "error"))  # version "x 1"
    same = judge(case, checkers.get("mypy"), truth, divergences, root, recorded="x 1")
    assert same.outcome is Outcome.FAIL
    assert same.improved == ()
    assert same.problems[0].broke == "stale"
    assert same.problems[0].message.startswith("the target changed: ")
    other = judge(case, checkers.get("mypy"), truth, divergences, root, recorded="x 0")
    assert other.problems[0].message.endswith(
        "no longer reproduces with this mypy version (the corpus was recorded with x 0)"
    )


def test_each_problem_says_what_broke(corpus: Loaded) -> None:
    accepted = verdict(corpus, "mypy", "inline", (4, "arg-type", "error"))
    assert [p.broke for p in accepted.problems] == ["accepted"]
    rejected = verdict(
        corpus, "mypy", "inline", (3, "arg-type", "error"), (4, "arg-type", "error"), (5, "call-arg", "error")
    )
    assert [p.broke for p in rejected.problems] == ["rejected"]
    changed = verdict(corpus, "mypy", "inline", (4, "misc", "error"), (5, "call-arg", "error"))
    assert {p.broke for p in changed.problems} == {"changed"}
