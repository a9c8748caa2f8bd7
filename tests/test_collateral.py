"""The plugin's collateral check (nox -s collateral) finds every kind of change the plugin could make."""

from __future__ import annotations

import pytest

from bgtyping.corpus import load_corpus
from bgtyping.model import Corpus, Diagnostic, Outcome, RunKey, RunOutcome, RunResult, Verdict
from devtools.collateral import compare

from .support import MakeCorpus

KEY = RunKey("mypy", "inline", "3.11")
CASES = {
    "check_plugin.py": '''"""Claim."""
def rows() -> None: ...
rows()  # E: task-generator
rows()  # E: task-generator  # diverge: blind
''',
    "check_other.py": '''"""Claim."""
x: int = "a"  # E: assignment
''',
}
DIVERGENCES = """
[blind]
owner = "checker"
reason = "the plugin cannot see it"
issue = "https://example.invalid"
reports = { mypy = [] }
"""


def outcome(corpus: Corpus, diagnostics: list[tuple[str, int, str]], other: Outcome = Outcome.PASS) -> RunOutcome:
    paths = {c.id: str(c.path) for c in corpus.cases}
    found = tuple(Diagnostic(paths[case], line, 1, "error", code, code) for case, line, code in diagnostics)
    result = RunResult(KEY, "mypy 2.4.1", (), found, None, 1.0)
    verdicts = {
        "check_plugin": Verdict("check_plugin", KEY, Outcome.PASS),
        "check_other": Verdict("check_other", KEY, other),
    }
    return RunOutcome(KEY, result, verdicts=verdicts)


@pytest.fixture
def corpus(make_corpus: MakeCorpus) -> Corpus:
    return load_corpus(make_corpus(CASES, DIVERGENCES))


BASE = [("check_other", 2, "assignment")]
GOOD = [*BASE, ("check_plugin", 3, "bg-task-generator")]


def diffs(corpus: Corpus, on: RunOutcome, off: RunOutcome) -> list[str]:
    return [line.split(": ", 1)[1] for line in compare(corpus, {KEY: on}, {KEY: off}) if line.startswith("DIFF")]


def test_only_the_plugins_own_lines_changed(corpus: Corpus) -> None:
    report = compare(corpus, {KEY: outcome(corpus, GOOD)}, {KEY: outcome(corpus, BASE)})
    assert report == [
        "inline py3.11: 1 lines flagged by the plugin (of 2 claimed, 1 of them documented limits), "
        "1 other case verdicts identical, 0 changed, 0 differences"
    ]


@pytest.mark.parametrize(
    ("with_plugin", "other", "says"),
    [
        (BASE, Outcome.PASS, "not flagged, though the line claims a plugin kind"),
        ([*GOOD, ("check_other", 1, "bg-task-unawaited")], Outcome.PASS, "flagged a line that claims no plugin kind"),
        ([*GOOD, ("check_other", 1, "misc")], Outcome.PASS, "added, not the plugin's"),
        ([("check_plugin", 3, "bg-task-generator")], Outcome.PASS, "lost without a trace"),
        (GOOD, Outcome.FAIL, "verdict changed: check_other: pass -> fail"),
    ],
)
def test_every_kind_of_collateral_is_a_difference(
    corpus: Corpus, with_plugin: list[tuple[str, int, str]], other: Outcome, says: str
) -> None:
    found = diffs(corpus, outcome(corpus, with_plugin, other), outcome(corpus, BASE))
    assert any(says in line for line in found), found
