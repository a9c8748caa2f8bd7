"""The real checkers over the real corpus: the suite must catch broken stubs and broken expectations."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bgtyping.corpus import load_corpus
from bgtyping.engine.run import run_plan
from bgtyping.host.hermetic import controlled_env
from bgtyping.host.interpreter import inspect_interpreter
from bgtyping.model import Plan, Target

from .support import ROOT, STUB_PACKAGES, MakeEnv, cli

CORPUS = ROOT / "typing_tests"
POSITIONAL = "sync/check_fastapi_sync_positional.py"


def copy_corpus(dest: Path) -> Path:
    shutil.copytree(CORPUS / "cases", dest / "cases")
    shutil.copy(CORPUS / "divergences.toml", dest / "divergences.toml")
    return dest


def test_paramspec_replaced_by_any_fails_the_suite(make_env: MakeEnv, tmp_path: Path) -> None:
    mutated: list[Path] = []
    for package in STUB_PACKAGES:
        copy = tmp_path / "mutant" / package.name
        shutil.copytree(package, copy)
        stub = copy / "background.pyi"
        text = stub.read_text(encoding="utf-8")
        assert "*args: _P.args, **kwargs: _P.kwargs" in text
        stub.write_text(text.replace("*args: _P.args, **kwargs: _P.kwargs", "*args: Any, **kwargs: Any"))
        mutated.append(copy)
    python = make_env(mutated)
    proc = cli("--target", f"stubs={python}", "--workdir", tmp_path / "work", "--verbose")  # every failed line
    assert proc.returncode == 1, proc.stdout
    for checker in ("mypy", "pyright"):
        missed = re.findall(rf"^typing_tests/cases/\S+:\d+ - {checker}: expected \S+, got no error$", proc.stdout, re.M)
        assert len(missed) >= 20, f"{checker} should miss many expected errors with Any-typed stubs"


WRONG_TYPE_CODE = {
    "mypy": "arg-type",
    "pyright": "reportArgumentType",
    "basedpyright": "reportArgumentType",
    "pyrefly": "bad-argument-type",
    "ty": "invalid-argument-type",
    "zuban": "arg-type",
}


@pytest.mark.parametrize("checker", WRONG_TYPE_CODE)
def test_deleting_an_expected_error_marker_fails(
    stubs_python: Path, inline_python: Path, tmp_path: Path, checker: str
) -> None:
    """Every checker (zuban too, which cannot report unused ignores) reports the plain wrong-type call."""
    corpus = copy_corpus(tmp_path / "corpus")
    case = corpus / "cases" / POSITIONAL
    text = case.read_text(encoding="utf-8")
    assert '"3")  # E: arg-type' in text
    case.write_text(text.replace('"3")  # E: arg-type', '"3")'), encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if '"3")  # E: arg-type' in x)) + 1
    target = f"inline={inline_python}" if checker == "zuban" else f"stubs={stubs_python}"
    proc = cli(
        "--corpus",
        corpus,
        "--select",
        POSITIONAL,
        "--target",
        target,
        "--checker",
        checker,
        "--workdir",
        tmp_path / "w",
        "--verbose",
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{POSITIONAL}:{line} - {checker}: {WRONG_TYPE_CODE[checker]} " in proc.stdout
    assert "[unexpected; expected no error]" in proc.stdout


@pytest.mark.parametrize(
    ("target", "env", "message"),
    [("stubs", "inline", "does not have our stubs"), ("inline", "stubs", "has our stubs installed")],
)
def test_a_target_on_the_wrong_environment_is_refused_before_any_checker(
    inline_python: Path, stubs_python: Path, tmp_path: Path, target: str, env: str, message: str
) -> None:
    python = inline_python if env == "inline" else stubs_python
    proc = cli("--select", POSITIONAL, "--target", f"{target}={python}", "--workdir", tmp_path / "w")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"error: target {target}: {python}")
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stdout == ""


@pytest.mark.parametrize(("target", "env", "probe"), [("stubs", "inline", "stubs"), ("inline", "stubs", "inline")])
def test_the_fingerprint_probes_catch_a_wrong_environment_even_past_the_preflight(
    inline_python: Path, stubs_python: Path, tmp_path: Path, target: str, env: str, probe: str
) -> None:
    """Second line of defence: every checker's own view of the environment must match the target's name."""
    python = inline_python if env == "inline" else stubs_python
    names = tuple(c for c in WRONG_TYPE_CODE if c != "zuban")
    plan = Plan(load_corpus(CORPUS, POSITIONAL), names, (Target(target, python),), ("3.11",), tmp_path / "w")
    interp = inspect_interpreter(python, controlled_env(plan.workroot), tmp_path)
    outcomes = run_plan(plan, interpreters={target: interp}, say=print)
    errors = [o.error or "" for o in outcomes.values()]
    assert sum(f"resolution probe check_probe_{probe}" in e for e in errors) == len(names), errors


def test_zuban_stubs_target_is_unsupported_with_its_reason(
    stubs_python: Path, inline_python: Path, tmp_path: Path
) -> None:
    """Unsupported cells alone are no verdict (exit 1); beside judged cells they are reported, not failed."""
    alone = cli("--select", POSITIONAL, "--target", f"stubs={stubs_python}", "--checker=zuban", "--workdir", tmp_path)
    assert alone.returncode == 1, alone.stdout + alone.stderr
    assert "unsupported: zuban-stubs-py3.11: zuban does not honour partial stub packages" in alone.stdout
    assert "zubanls/zuban/issues/354" in alone.stdout
    assert "0 passed, 0 failed, 0 skipped, 1 unsupported" in alone.stdout
    assert "nothing was judged" in alone.stderr
    both = cli(
        "--select", POSITIONAL, "--target", f"stubs={stubs_python}", "--target", f"inline={inline_python}",
        "--checker=zuban", "--workdir", tmp_path,
    )  # fmt: skip
    assert both.returncode == 0, both.stdout + both.stderr
    assert "1 passed, 0 failed, 0 skipped, 1 unsupported" in both.stdout


def test_both_targets_pass_on_one_case(stubs_python: Path, inline_python: Path, tmp_path: Path) -> None:
    targets = ("--target", f"stubs={stubs_python}", "--target", f"inline={inline_python}")
    proc = cli("--select", POSITIONAL, *targets, "--workdir", tmp_path / "w")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed, 0 failed" in proc.stdout


PLUGIN_CASE = '''
"""A deliberately wrong expectation."""
def f(x: int) -> None: ...
f(1)  # E: arg-type
'''


def test_pytest_plugin_items_and_failure_format(inline_python: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "cases").mkdir(parents=True)
    (corpus / "cases" / "check_wrong.py").write_text(PLUGIN_CASE.lstrip(), encoding="utf-8")
    (corpus / "cases" / "check_right.py").write_text('"""Fine."""\nx: int = 1\n', encoding="utf-8")
    (corpus / "divergences.toml").write_text("")
    junit = tmp_path / "junit.xml"
    proc = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "bgtyping.plugin", str(corpus),
            f"--typing-corpus={corpus}", f"--typing-target=inline={inline_python}",
            f"--typing-workdir={tmp_path / 'w'}", f"--junitxml={junit}", "--typing-checker=mypy",
            "-p", "no:cacheprovider",
        ],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed, 2 passed in" in proc.stdout
    assert "corpus/cases/check_wrong.py:3 - mypy: expected arg-type, got no error" in proc.stdout
    assert 'name="mypy-inline-py3.11"' in junit.read_text()


def test_one_workdir_serves_any_number_of_corpora(inline_python: Path, tmp_path: Path) -> None:
    """The shipped corpus, a checkout's copy, then the shipped one again: each run green, none sees the other's."""
    checkout = copy_corpus(tmp_path / "checkout")
    work = tmp_path / "work"
    for corpus in (CORPUS, checkout, CORPUS, checkout):
        proc = cli(
            "--corpus", corpus, "--select", "sync/*", "--target", f"inline={inline_python}",
            "--checker", "mypy", "--checker", "pyright", "--workdir", work,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "0 failed" in proc.stdout
        assert "0 of 2 runs broken" in proc.stdout
