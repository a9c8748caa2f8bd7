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
from bgtyping.checkers.common import JsonStream
from bgtyping.checkers.protocol import Report
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
    parsed = checkers.get(checker).parse(Report(stdout), stderr, spec_for(checker, tmp_path))
    assert as_data(parsed, tmp_path) == expected


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_the_recorded_diagnostics_are_the_sample_claims(checker: str, tmp_path: Path) -> None:
    """The recording is not arbitrary: judged like any case, the sample passes on it, line by line."""
    stdout, stderr, _ = _recorded(checker, tmp_path)
    (tmp_path / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    case = parse_case(tmp_path / SAMPLE.name, tmp_path, {})
    parsed = checkers.get(checker).parse(Report(stdout), stderr, spec_for(checker, tmp_path))
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
        parsed = checkers.get(checker).parse(
            Report(cut), stderr if checker == "mypy" else "", spec_for(checker, tmp_path)
        )
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
    parsed = checkers.get(checker).parse(Report(stdout), stderr, spec_for(checker, tmp_path))
    _, _, expected = _recorded(checker, tmp_path)
    assert as_data(parsed, tmp_path) == expected, "re-record with `python -m tests.recorded.record` and review"


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " [ ] ",
        "[1]",
        "[123, -0.5e-7, 1E+2, 0]",
        '[{"a": [1, {"b": null}]}, "x,]", 2.5e3, true]\n',
        '[\n  {"k": "\\u00e9\\"]"},\n  []\n]',
    ],
)
def test_a_streamed_array_is_what_json_reads(text: str) -> None:
    for stream in _streams(text):
        assert list(stream.items()) == json.loads(text)
        stream.end()


@pytest.mark.parametrize(
    "text",
    ["[1", "[1,]", "[1 2]", "[1] x", "[1]]", '{"a": 1}', "", "[,1]", "[1,,2]", '["a]'],
)
def test_a_broken_array_is_refused_as_json_refuses_it(text: str) -> None:
    for stream in _streams(text):
        with pytest.raises(ValueError):  # noqa: PT011, PT012 - json.JSONDecodeError or ours; reading or `end`
            list(stream.items())
            stream.end()


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ('{"errors": []}', []),
        ('{"x": {"errors": [9]}, "errors": [1, 2], "y": "}"}', [1, 2]),
        (' {"errors" : [ {"a": 1} ] } \n', [{"a": 1}]),
    ],
)
def test_a_streamed_object_is_what_json_reads(text: str, errors: list[object]) -> None:
    for stream in _streams(text):
        found: list[object] = []
        for key in stream.members():
            if key == "errors":
                found.extend(stream.items())
            else:
                stream.value()
        stream.end()
        assert found == errors == json.loads(text)["errors"]


@pytest.mark.parametrize(
    "text", ['{"errors": [1], "errors": [2]}', '{"errors": [1]', '{"errors" [1]}', "{1: 2}", '{"a": 1,}', '{"a": 1} {}']
)
def test_a_broken_object_is_refused(text: str) -> None:
    for stream in _streams(text):
        with pytest.raises(ValueError):  # noqa: PT011, PT012
            for key in stream.members():
                list(stream.items()) if key == "errors" else stream.value()
            stream.end()


def _streams(text: str) -> list[JsonStream]:
    """The document whole, and cut into pieces of every small size (a number, a key, an escape split)."""
    return [JsonStream(text), *(JsonStream([text[i : i + n] for i in range(0, len(text), n)]) for n in (1, 2, 3, 7))]


def test_a_report_read_in_pieces_is_its_text_and_never_held_whole(tmp_path: Path) -> None:
    """Odd bytes and a character cut by a piece read as the whole decoded text reads; a long array
    streams with at most a piece and an element in hand."""
    raw = b'["\xc3\xa9", "' + "é€😀".encode() + b'\xff"]'
    path = tmp_path / "out"
    path.write_bytes(raw)
    with path.open("rb") as handle:
        report = Report(handle)
        assert "".join(report.chunks(1)) == report.text() == raw.decode("utf-8", errors="replace")
        assert report.head(3) == '["é'
    many = "[" + ",".join(f'{{"n": {i}, "m": "{"x" * 50}"}}' for i in range(2000)) + "]"
    stream = JsonStream(many[i : i + 100] for i in range(0, len(many), 100))
    widest = 0
    for n, item in enumerate(stream.items()):
        assert item == {"n": n, "m": "x" * 50}
        widest = max(widest, len(stream.text))
    assert widest < 400, widest  # one piece and what is left of the last one, not 130 kB
