"""The engine's JUnit XML and GitHub Actions annotations, checked against their formats."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from typing_tests.engine.__main__ import main

from .support import MakeCorpus

BAD = '"""Claims an error that mypy does not report."""\ndef f(x: int) -> None: ...\nf(1)  # E: arg-type\n'
GOOD = '"""Fine."""\nx: int = 1\n'
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:]+),line=(?P<line>\d+),title=(?P<title>[^:]+)::(?P<message>.+)$")


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
    assert "check_bad.py:3 - mypy: expected arg-type, got no error" in (failure.text or "")
    assert cases["-.check_good"].find("failure") is None
    assert cases["-.check_bad"].attrib["file"].endswith("check_bad.py")


def test_github_annotations(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(make_corpus, inline_python, tmp_path, "--github-annotations") == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert len(lines) == 1
    match = ANNOTATION.match(lines[0])
    assert match is not None, lines[0]
    assert match["file"].endswith("cases/check_bad.py")
    assert match["line"] == "3"
    assert match["title"] == "bgtyping mypy-inline-py3.11"
    assert match["message"] == "mypy: expected arg-type, got no error"
