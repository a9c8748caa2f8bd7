"""Each checker's parser on its recorded real output (tests/recorded/<checker>/), and the live checker against it.

The recorded text is what the pinned checker printed for `tests/recorded/check_sample.py`
(`python -m tests.recorded.record` re-records it). A checker upgrade that changes its output format
fails the live test here, with the parser's reading of both outputs side by side.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bgtyping import checkers
from bgtyping.corpus.pycases import parse_case
from bgtyping.engine.health import health
from bgtyping.engine.judge import judge
from bgtyping.model import CHECKER_NAMES, EngineError, Outcome, RunKey, RunResult

from .recorded.record import HERE, PLACEHOLDER, SAMPLE, as_data, run_live, spec_for


def _recorded(checker: str, root: Path) -> tuple[str, str, dict[str, object]]:
    folder = HERE / checker
    stdout = (folder / "stdout.txt").read_text(encoding="utf-8").replace(PLACEHOLDER, str(root))
    stderr = (folder / "stderr.txt").read_text(encoding="utf-8").replace(PLACEHOLDER, str(root))
    return stdout, stderr, json.loads((folder / "parsed.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_the_recorded_output_parses_to_the_recorded_diagnostics(checker: str, tmp_path: Path) -> None:
    stdout, stderr, expected = _recorded(checker, tmp_path)
    parsed = checkers.get(checker).parse(stdout, stderr, spec_for(checker, tmp_path))
    assert as_data(parsed, tmp_path) == expected


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_the_recorded_diagnostics_are_the_sample_claims(checker: str, tmp_path: Path) -> None:
    """The recording is not arbitrary: judged like any case, the sample passes on it, line by line."""
    stdout, stderr, _ = _recorded(checker, tmp_path)
    (tmp_path / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    case = parse_case(tmp_path / SAMPLE.name, tmp_path, {})
    parsed = checkers.get(checker).parse(stdout, stderr, spec_for(checker, tmp_path))
    result = RunResult(RunKey(checker, "inline", "3.11"), "recorded", (), parsed.diagnostics, parsed.analyzed, 0.0)
    verdict = judge(case, checkers.get(checker), result, {}, tmp_path)
    assert verdict.outcome is Outcome.PASS, verdict.problems
    assert len(parsed.diagnostics) == len(case.lines) == 4


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_output_cut_short_is_a_broken_run(checker: str, tmp_path: Path) -> None:
    """Output cut in its first diagnostic: the parser refuses it, or the health check does; never a clean run."""
    stdout, stderr, _ = _recorded(checker, tmp_path)
    cut = stdout[: stdout.index("\n") // 2]
    try:
        parsed = checkers.get(checker).parse(cut, stderr if checker == "mypy" else "", spec_for(checker, tmp_path))
    except EngineError as exc:
        parsed, refused = None, str(exc)
    else:
        refused = ""
    if parsed is None:
        assert refused.startswith(f"{checker} printed")
        return
    result = RunResult(RunKey(checker, "inline", "3.11"), "cut", (), parsed.diagnostics, parsed.analyzed, 0.0)
    problems = health(result, [tmp_path / SAMPLE.name], checkers.get(checker).import_codes, tmp_path)
    assert problems == ["the checker did not say which files it analysed"]


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_the_installed_checker_still_prints_what_was_recorded(checker: str, tmp_path: Path) -> None:
    """Run live: what the parser reads from today's checker equals what it read from the recording."""
    stdout, stderr = run_live(checker, tmp_path)
    parsed = checkers.get(checker).parse(stdout, stderr, spec_for(checker, tmp_path))
    _, _, expected = _recorded(checker, tmp_path)
    assert as_data(parsed, tmp_path) == expected, "re-record with `python -m tests.recorded.record` and review"
