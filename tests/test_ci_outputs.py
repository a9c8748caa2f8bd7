"""The engine's JUnit XML and GitHub Actions annotations, checked against their formats."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from bgtyping.cli import main

from .support import MakeCorpus

BAD = '"""Claims an error that mypy does not report."""\ndef f(x: int) -> None: ...\nf(1)  # E: arg-type\n'
GOOD = '"""Fine."""\nx: int = 1\n'
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:]+),line=(?P<line>\d+),title=(?P<title>[^:]+)::(?P<message>.+)$")
PLAIN = re.compile(r"^::error title=(?P<title>[^:,]+)::(?P<message>.+)$")  # properties escape : and ,


def run(make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, *extra: str) -> int:
    corpus = make_corpus({"check_bad.py": BAD, "check_good.py": GOOD})
    target = f"inline={inline_python}"
    return main(["--corpus", str(corpus), "--target", target, "--checker=mypy", f"--workdir={tmp_path / 'w'}", *extra])


def test_junit_xml(make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    assert run(make_corpus, inline_python, tmp_path, f"--junitxml={report}") == 1
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.attrib["name"] == "mypy-inline-py3.11"
    assert (suite.attrib["tests"], suite.attrib["failures"], suite.attrib["errors"]) == ("2", "1", "0")
    cases = {c.attrib["classname"]: c for c in suite.findall("testcase")}
    assert set(cases) == {"-.check_bad", "-.check_good"}
    failure = cases["-.check_bad"].find("failure")
    assert failure is not None
    assert failure.attrib["message"] == "Claims an error that mypy does not report."
    assert failure.text == "line 3: f(1)\n  expected arg-type, got no error"
    assert cases["-.check_good"].find("failure") is None
    assert cases["-.check_bad"].attrib["file"] == "check_bad.py"  # the corpus path, not a path on our disk


def test_junit_of_a_broken_run_carries_the_reason_not_the_command(
    make_corpus: MakeCorpus, fake_checker: Callable[[str, str], None], tmp_path: Path
) -> None:
    fake_checker("mypy", 'echo "error: something broke" >&2; exit 2')
    report = tmp_path / "junit.xml"
    assert run(make_corpus, Path(sys.executable), tmp_path, f"--junitxml={report}") == 1
    text = report.read_text(encoding="utf-8")
    assert "--config-file" not in text
    assert "check_bad.py" in text  # the testcase names, not a command line of file paths
    assert len(text) < 4000
    errors = ET.parse(report).getroot().findall(".//error")
    assert len(errors) == 3  # two cases and the run itself
    assert all(e.attrib["message"].endswith("mypy crashed (exit 2): error: something broke") for e in errors)


def test_github_annotations_quote_the_call_for_a_reader_without_our_files(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(make_corpus, inline_python, tmp_path, "--github-annotations") == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert len(lines) == 1
    match = PLAIN.match(lines[0])
    assert match is not None, lines[0]  # the case is not in the current checkout: no file= to point at
    assert match["title"] == "bgtyping%3A mypy on inline (Python 3.11)"
    message = match["message"].split("%0A")
    assert message[:3] == [
        "Claims an error that mypy does not report.",
        "Call: f(1)",
        "mypy expected arg-type, got no error",
    ]
    assert "installed starlette/fastapi annotations changed" in message[3]
    assert message[4] == "(bgtyping corpus: check_bad.py, line 3)"


def test_github_annotations_point_at_the_file_inside_the_checkout(
    make_corpus: MakeCorpus,
    inline_python: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(make_corpus, inline_python, tmp_path, "--github-annotations") == 1
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("::")]
    match = ANNOTATION.match(line)
    assert match is not None, line
    assert (match["file"], match["line"]) == ("corpus/cases/check_bad.py", "3")


def test_job_summary_under_github_actions(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run(make_corpus, inline_python, tmp_path) == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## bgtyping\n\n1 passed, 1 failed, 0 skipped, 0 unsupported; 0 of 1 runs broken\n")
    assert (
        "| mypy on inline (Python 3.11) | <code>f(1)</code> | expected arg-type, got no error | check_bad.py:3 |"
        in text
    )
