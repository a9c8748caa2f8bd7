"""Fault injection: every fault ends in one readable message and a non-zero exit, never a pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bgtyping.cli import main

from .support import ROOT, MakeCorpus, MakeEnv

GOOD = '"""A good case."""\ndef f(x: int) -> None: ...\nf("a")  # E: arg-type\n'
FakeChecker = Callable[[str, str], None]


def run(corpus: Path, checker: str, *extra: str, python: Path | None = None) -> int:
    target = f"inline={python or sys.executable}"
    workdir = str(corpus.parent / "work")
    return main(["--corpus", str(corpus), "--target", target, "--checker", checker, "--workdir", workdir, *extra])


@pytest.mark.parametrize(
    ("checker", "script", "message"),
    [
        ("mypy", 'echo "INTERNAL ERROR: boom" >&2; exit 2', "mypy crashed (exit 2)"),
        ("pyright", 'echo "panic: boom" >&2; exit 3', "pyright crashed (exit 3)"),
        ("mypy", 'echo "this is not json"; exit 1', "mypy printed something that is not its JSON output"),
        ("pyright", 'echo "<html>"; exit 0', "pyright printed something that is not its JSON output"),
        ("pyright", 'echo "{}"; exit 0', "pyright printed something that is not its JSON output"),
        ("mypy", "exit 0", "fake-mypy --version failed"),
        (
            "pyright",
            """echo '{"version": "1", "generalDiagnostics": [], "summary": {"filesAnalyzed": 1}}'""",
            "analysed 1 files, but the batch holds 4",
        ),
        (
            "pyright",
            """echo '{"version": "1", "generalDiagnostics": [], "summary": {"filesAnalyzed": 5}}'""",
            "analysed 5 files, but the batch holds 4",
        ),
        (
            "pyright",
            """echo '{"version": "1", "generalDiagnostics": [], "summary": {"filesAnalyzed": 4}}'""",
            "resolution probe check_probe_canary",
        ),
    ],
    ids=["mypy-crash", "pyright-crash", "mypy-garbage", "pyright-garbage", "pyright-empty-json",
         "mypy-analysed-nothing", "too-few-files", "too-many-files", "silent-checker-misses-canary"],
)  # fmt: skip
def test_broken_checker_fails_the_run(
    make_corpus: MakeCorpus,
    fake_checker: FakeChecker,
    capsys: pytest.CaptureFixture[str],
    checker: str,
    script: str,
    message: str,
) -> None:
    fake_checker(checker, script)
    assert run(make_corpus({"check_good.py": GOOD}), checker) == 1
    out, err = capsys.readouterr()
    assert message in err
    assert "0 passed" in out
    assert "1 of 1 runs broken" in out


def test_hanging_checker_times_out(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_checker("mypy", "sleep 30")
    assert run(make_corpus({"check_good.py": GOOD}), "mypy", "--timeout", "1") == 1
    assert "mypy did not finish within 1 s" in capsys.readouterr().err


def test_missing_checker(
    make_corpus: MakeCorpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bgtyping import checkers

    real = checkers.CHECKERS["mypy"]
    missing = type("Missing", (type(real),), {"executable": "no-such-checker-anywhere"})()
    monkeypatch.setitem(checkers.CHECKERS, "mypy", missing)
    assert run(make_corpus({"check_good.py": GOOD}), "mypy") == 1
    assert "checker executable 'no-such-checker-anywhere' is not installed" in capsys.readouterr().err


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_runtime_not_importable(
    make_corpus: MakeCorpus, make_env: MakeEnv, capsys: pytest.CaptureFixture[str], checker: str
) -> None:
    """Caught before any checker starts: one line that names the interpreter, the package and the fix."""
    bare = make_env([], runtime=False)
    assert run(make_corpus({"check_good.py": GOOD}), checker, python=bare) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert err.startswith("error: target inline: starlette and fastapi are not importable by ")
    assert f"{bare} -m pip install starlette fastapi" in err
    assert out == ""


def test_pytest_plugin_fails_closed_on_a_crashing_checker(
    make_corpus: MakeCorpus, make_env: MakeEnv, inline_python: Path, tmp_path: Path
) -> None:
    """Through pytest too: the run item and every case item fail, none passes."""
    runner = make_env([])
    fake = runner.parent / "mypy"
    fake.write_text('#!/bin/sh\necho "INTERNAL ERROR: boom" >&2\nexit 2\n', encoding="utf-8")
    fake.chmod(0o755)
    corpus = make_corpus({"check_good.py": GOOD})
    proc = subprocess.run(
        [
            str(runner), "-m", "pytest", "-p", "bgtyping.plugin", str(corpus), f"--typing-corpus={corpus}",
            f"--typing-target=inline={inline_python}", "--typing-checker=mypy", f"--typing-workdir={tmp_path / 'w'}",
            "-p", "no:cacheprovider",
        ],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 failed" in proc.stdout
    assert "passed" not in proc.stdout.splitlines()[-1]
    assert "mypy crashed (exit 2)" in proc.stdout


def test_reuse_never_keeps_a_broken_run(make_corpus: MakeCorpus, fake_checker: FakeChecker, tmp_path: Path) -> None:
    """A run that failed its health checks (here: the canary) is run again, never served from the cache."""
    calls = tmp_path / "calls"
    fake_checker(
        "pyright",
        f"""echo run >> {calls}
        echo '{{"version": "1", "generalDiagnostics": [], "summary": {{"filesAnalyzed": 4}}}}'""",
    )
    corpus = make_corpus({"check_good.py": '"""Good."""\nx: int = 1\n'})
    for _ in range(2):
        assert run(corpus, "pyright", "--reuse") == 1
    assert calls.read_text().count("run") == 2
    assert not list((tmp_path / "work").rglob("result.json"))


def test_a_checker_whose_version_cannot_be_asked_breaks_its_run(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, capsys: pytest.CaptureFixture[str]
) -> None:
    """ty's report does not name its version: `--version` is asked beside the run, and its failure counts."""
    real = shutil.which("ty", path=os.path.dirname(sys.executable)) or shutil.which("ty")
    assert real, "ty is installed beside the tests"
    fake_checker("ty", f'[ "$1" = "--version" ] && {{ echo "no version" >&2; exit 3; }}\nexec "{real}" "$@"\n')
    assert run(make_corpus({"check_good.py": GOOD}), "ty") == 1
    out, err = capsys.readouterr()
    assert "fake-ty --version failed (exit 3): no version" in err
    assert "1 of 1 runs broken" in out


def test_version_is_asked_in_the_run_folder_not_the_callers_cwd(
    make_corpus: MakeCorpus,
    fake_checker: FakeChecker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A checker's `--version` runs where the checker runs: the caller's folder (its configs) plays no part."""
    real = shutil.which("ty", path=os.path.dirname(sys.executable)) or shutil.which("ty")
    assert real, "ty is installed beside the tests"
    fake_checker("ty", f'[ "$1" = "--version" ] && [ -e from-the-caller ] && exit 3\nexec "{real}" "$@"\n')
    corpus = make_corpus({"check_good.py": GOOD})
    caller = tmp_path / "caller"
    caller.mkdir()
    (caller / "from-the-caller").write_text("", encoding="utf-8")
    monkeypatch.chdir(caller)
    assert run(corpus, "ty") == 0


@pytest.mark.parametrize("command", [[], ["yaml", "."]])
def test_a_deleted_cwd_is_one_line(tmp_path: Path, command: list[str]) -> None:
    """Run from a folder that was removed: one line naming the cause, exit 2, no traceback."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f'cd "{gone}" && rmdir "{gone}" && exec "{sys.executable}" -m bgtyping "$@"'
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["sh", "-c", script, "sh", *command], capture_output=True, text=True, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: the current directory cannot be read"), done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_a_cold_cache_keeping_run_starts_first_and_a_warm_one_by_cost(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One run at a time: mypy with no cache yet (its cold run is the longest) goes first; once its run
    folder is there, pyright's cost ranks it first again. The order is how runs start, not a verdict."""
    log = tmp_path / "started.txt"
    for name in ("mypy", "pyright"):
        fake_checker(name, f'echo {name} >> "{log}"; exit 2')
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    corpus = make_corpus({"check_good.py": GOOD})
    for expected in (["mypy", "pyright"], ["pyright", "mypy"]):
        log.unlink(missing_ok=True)
        assert run(corpus, "mypy", "--checker", "pyright") == 1  # both broken: fake checkers
        assert log.read_text(encoding="utf-8").split() == expected
