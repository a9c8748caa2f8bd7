"""Bad input gets one readable error that names the file and line, and loads nothing."""

from __future__ import annotations

import re

import pytest

from typing_tests.engine.corpus import load_corpus
from typing_tests.engine.model import EngineError

from .support import MakeCorpus, cli

GOOD = '''
"""A good case."""
def f(x: int) -> None: ...
f("a")  # E: arg-type
'''

DIVERGENCE = """
[known]
reason = "a reason"
issue = "https://example.invalid/1"
reports = { mypy = [] }
"""


def test_good_case_loads(make_corpus: MakeCorpus) -> None:
    corpus = load_corpus(make_corpus({"g/check_good.py": GOOD}))
    (case,) = corpus.cases
    assert (case.id, case.group, case.claim) == ("check_good", "g", "A good case.")
    assert case.lines[3].kinds == {"arg-type"}
    assert case.min_python is None


def test_version_suffix_gates_the_case(make_corpus: MakeCorpus) -> None:
    (case,) = load_corpus(make_corpus({"check_new-py312.py": GOOD})).cases
    assert case.min_python == (3, 12)
    assert not case.applies_to("3.11")
    assert case.applies_to("3.13")


def test_explicit_codes_and_divergence_parse(make_corpus: MakeCorpus) -> None:
    source = '"""Claim."""\nx = 1  # E: arg-type, mypy=misc+call-arg  # diverge: known\n'
    (case,) = load_corpus(make_corpus({"check_x.py": source}, DIVERGENCE)).cases
    spec = case.lines[2]
    assert spec.explicit == {"mypy": {"misc", "call-arg"}}
    assert spec.divergences == ("known",)


BAD_CASES = {
    "unknown marker": ('"""Claim."""\nx = 1  # R: arg-type\n', 2, "unknown marker"),
    "free text after code": ('"""Claim."""\nx = 1  # explain\n', 2, "unknown marker"),
    "unknown kind": ('"""Claim."""\nx = 1  # E: arg_type\n', 2, "unknown error kind 'arg_type'"),
    "unknown checker": ('"""Claim."""\nx = 1  # E: nochecker=code\n', 2, "unknown error kind"),
    "empty term": ('"""Claim."""\nx = 1  # E: arg-type,\n', 2, "empty term"),
    "unknown divergence": ('"""Claim."""\nx = 1  # E: arg-type  # diverge: nope\n', 2, "unknown divergence"),
    "marker alone on a line": ('"""Claim."""\n# E: arg-type\nx = 1\n', 2, "at the end of the line"),
    "checker ignore comment": ('"""Claim."""\nx: int = ""  # type: ignore\n', 2, "ignore comments"),
    "pyright ignore comment": ('"""Claim."""\nx: int = ""  # pyright: ignore[x]\n', 2, "ignore comments"),
    "no docstring": ("x = 1\n", 1, "one-line docstring"),
    "two-line docstring": ('"""Claim\nmore."""\n', 1, "one-line docstring"),
    "syntax error": ('"""Claim."""\ndef (:\n', 2, "not valid Python"),
}


@pytest.mark.parametrize(("source", "line", "message"), BAD_CASES.values(), ids=BAD_CASES.keys())
def test_bad_case_names_file_and_line(make_corpus: MakeCorpus, source: str, line: int, message: str) -> None:
    root = make_corpus({"check_bad.py": source}, DIVERGENCE if "known" in source else "")
    with pytest.raises(EngineError, match=re.escape(message)) as info:
        load_corpus(root)
    assert info.value.path is not None
    assert info.value.path.endswith("check_bad.py")
    assert info.value.line == line
    assert f"check_bad.py:{line}: " in str(info.value)


@pytest.mark.parametrize("name", ["bad.py", "check_Upper.py", "check_x-py3.py", "check_x-3.12.py"])
def test_badly_named_case_file(make_corpus: MakeCorpus, name: str) -> None:
    with pytest.raises(EngineError, match=re.escape("check_<thing>.py")):
        load_corpus(make_corpus({name: GOOD}))


def test_duplicate_case_ids(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match="duplicate case id 'check_good'"):
        load_corpus(make_corpus({"a/check_good.py": GOOD, "b/check_good.py": GOOD}))


def test_empty_corpus(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match="corpus is empty"):
        load_corpus(make_corpus({}))


def test_unused_divergence_is_an_error(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match=r"\[known\] is not named by any case"):
        load_corpus(make_corpus({"check_good.py": GOOD}, DIVERGENCE))


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[known\n", "malformed TOML"),
        ('[known]\nreason = "r"\n', "needs reason, issue and reports"),
        ('[known]\nreason = "r"\nissue = "i"\nreports = { nochecker = [] }\n', "not a known checker"),
        ('[known]\nreason = "r"\nissue = "i"\nreports = { mypy = [] }\ntargets = ["other"]\n', "targets must be"),
        ('[known]\nreason = "r"\nissue = "i"\nreports = { mypy = [] }\nextra = 1\n', "needs reason"),
    ],
)
def test_malformed_divergences(make_corpus: MakeCorpus, toml: str, message: str) -> None:
    with pytest.raises(EngineError, match=re.escape(message)) as info:
        load_corpus(make_corpus({"check_good.py": GOOD}, toml))
    assert "divergences.toml" in str(info.value)


def test_cli_reports_bad_input_once_and_exits_2(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_bad.py": '"""Claim."""\nx = 1  # E: nope\n'})
    proc = cli("--corpus", root, "--target", "inline=/bin/sh")
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert "check_bad.py:2: unknown error kind 'nope'" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "stubs"], "a target is NAME=PYTHON"),
        (["--target", "other=/bin/sh"], "unknown target 'other'"),
        (["--target", "inline=/nonexistent/python"], "no interpreter at"),
        (["--target", "inline=/bin/sh", "--checker", "nochecker"], "unknown checker 'nochecker'"),
        (["--target", "inline=/bin/sh", "--python", "3"], "'3' is not supported"),
    ],
)
def test_cli_rejects_bad_options(make_corpus: MakeCorpus, args: list[str], message: str) -> None:
    proc = cli("--corpus", make_corpus({"check_good.py": GOOD}), *args)
    assert proc.returncode == 2
    assert message in proc.stderr
