"""Fail closed: interrupts, timeouts, half-written outputs, false "broken" runs and vacuous passes."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bgtyping import cli, fsutil
from bgtyping.checkers.mypy import analysed_files
from bgtyping.cli import main
from bgtyping.model import EngineError

from .support import ROOT, MakeCorpus, MakeEnv, fake_interpreter, linked_site, tree_digest

GOOD = '"""A good case."""\ndef f(x: int) -> None: ...\nf("a")  # E: arg-type\n'
FakeChecker = Callable[[str, str], None]
# A checker that leaves a child behind and hangs, recording both pids.
HANG = """echo $$ > {pids}/$$.pid
sleep 120 &
echo $! > {pids}/$!.pid
sleep 120
"""


def run(corpus: Path, *args: str, python: Path | None = None, target: str = "inline") -> int:
    target = f"{target}={python or sys.executable}"
    return main(["--corpus", str(corpus), "--target", target, "--workdir", str(corpus.parent / "work"), *args])


def alive(pids: Path, grace: float = 3.0) -> list[int]:
    """Recorded processes still running after `grace` seconds (SIGKILL is delivered asynchronously)."""
    deadline = time.monotonic() + grace
    while True:
        found = [pid for pid in (int(p.read_text()) for p in pids.glob("*.pid")) if _running(pid)]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return not handle.read().split(") ")[-1].startswith("Z")  # a zombie is dead for our purpose
    except FileNotFoundError:
        return False


# -- interrupts and timeouts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code", "word"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_a_signal_stops_a_20_run_plan_within_seconds(
    make_corpus: MakeCorpus,
    make_env: MakeEnv,
    stubs_python: Path,
    tmp_path: Path,
    signum: signal.Signals,
    code: int,
    word: str,
) -> None:
    """Queued runs are cancelled, running checkers and their children killed, one line, no traceback."""
    runner = make_env([])
    pids = tmp_path / "pids"
    pids.mkdir()
    for name in ("mypy", "pyright"):
        fake = runner.parent / name
        fake.write_text("#!/bin/sh\n" + HANG.format(pids=pids), encoding="utf-8")
        fake.chmod(0o755)
    corpus = make_corpus({"check_good.py": GOOD})
    versions = [f"--python=3.1{m}" for m in range(5)]
    proc = subprocess.Popen(
        [
            str(runner), "-m", "bgtyping", "--corpus", str(corpus), "--workdir", str(tmp_path / "w"),
            "--target", f"inline={runner}", "--target", f"stubs={stubs_python}", *versions,
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while len(list(pids.glob("*.pid"))) < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    started = len(list(pids.glob("*.pid")))
    assert started >= 4, f"the checkers never started (exit {proc.poll()})"
    sent = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 5
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == f"{word}: every checker was stopped; no verdict"
    time.sleep(0.5)
    assert alive(pids) == []
    assert len(list(pids.glob("*.pid"))) == started  # nothing queued started after the signal


def test_a_timeout_kills_the_checkers_whole_process_tree(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    fake_checker("pyright", HANG.format(pids=pids))
    assert run(make_corpus({"check_good.py": GOOD}), "--checker=pyright", "--timeout", "1") == 1
    assert "pyright did not finish within 1 s" in capsys.readouterr().err
    assert len(list(pids.glob("*.pid"))) == 2
    assert alive(pids) == []


def test_a_crash_message_leads_with_the_cause_and_elides_the_file_list(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_checker("mypy", 'echo "lots of noise" >&2; echo "error: cannot read config" >&2; exit 2')
    assert run(make_corpus({"check_good.py": GOOD}), "--checker=mypy") == 1
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "crashed" in x)
    assert line.endswith("mypy crashed (exit 2): error: cannot read config")
    assert "/mypy-files.txt\n" in err  # the command names the list file, never the files
    assert "check_good.py" not in err


# -- outputs that are never half-written --------------------------------------------------------


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)


def test_atomic_write_keeps_the_old_file_when_the_disk_is_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mypy.json"
    path.write_text('{"old": true}', encoding="utf-8")
    _disk_full(monkeypatch)
    with pytest.raises(EngineError, match="No space left on device"):
        fsutil.atomic_write(path, '{"new": true}' * 1000)
    assert path.read_text(encoding="utf-8") == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["mypy.json"]  # no temporary file left behind


def test_a_full_disk_while_staging_a_new_case_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new staged file is written in place (no temp file): a failed write must not leave it behind."""

    class Full(io.BufferedWriter):
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full_open(path: Path, mode: str) -> Full:
        assert mode == "xb"  # the one open() of fsutil
        return Full(io.FileIO(path, "x"))

    (tmp_path / "cases").mkdir()
    monkeypatch.setattr(fsutil, "open", full_open, raising=False)
    with pytest.raises(EngineError, match="No space left on device"):
        fsutil.write_if_changed(tmp_path / "cases" / "check_a.py", b"x = 1\n")
    assert list((tmp_path / "cases").iterdir()) == []


def test_a_torn_staged_file_is_rewritten_by_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "check_a.py"
    path.write_bytes(b"x = ")  # what a crash mid-write leaves
    fsutil.write_if_changed(path, b"x = 1\n")
    assert path.read_bytes() == b"x = 1\n"


def test_a_full_disk_while_writing_results_is_one_line_and_the_old_results_survive(
    make_corpus: MakeCorpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = make_corpus({"check_good.py": GOOD})
    results = tmp_path / "results"
    assert run(corpus, "--checker=mypy", "--results", str(results)) == 0
    before = (results / "mypy.json").read_text(encoding="utf-8")
    capsys.readouterr()
    _disk_full(monkeypatch)
    assert run(corpus, "--checker=mypy", "--results", str(results), "--junitxml", str(tmp_path / "j.xml")) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("error: could not write ")
    assert "No space left on device" in err
    assert "Traceback" not in err
    assert (results / "mypy.json").read_text(encoding="utf-8") == before
    monkeypatch.undo()
    (results / "mypy.json").write_text(before[: len(before) // 2], encoding="utf-8")  # what a crash used to leave
    assert run(corpus, "--checker=mypy", "--compare", str(results)) == 2
    assert "not a readable results file" in capsys.readouterr().err


def test_output_paths_are_checked_before_any_checker_runs(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, tmp_path: Path
) -> None:
    calls = tmp_path / "calls"
    fake_checker("mypy", f"echo run >> {calls}; exit 2")
    corpus = make_corpus({"check_good.py": GOOD})
    assert run(corpus, "--checker=mypy", "--junitxml", "/etc/hostname/junit.xml") == 2
    assert run(corpus, "--checker=mypy", "--results", "/etc/hostname/results") == 2
    assert not calls.exists()


# -- no false "broken" --------------------------------------------------------------------------


def test_mypy_log_lines_for_touched_files_and_odd_paths_count_as_analysed(tmp_path: Path) -> None:
    log = (
        "LOG:  Parsing /w/my (copy)/check_a.py (check_a)\n"
        "LOG:  Metadata fresh for check_b: file /w/my (copy)/check_b.py\n"
        "LOG:  Updating mtime for check_c: file /w/my (copy)/check_c.py, meta check_c.meta.ff, mtime 1795891758\n"
    )
    assert analysed_files(log, tmp_path) == {f"/w/my (copy)/check_{x}.py" for x in "abc"}


def test_touched_staged_files_and_a_checkout_path_with_parentheses(
    make_corpus: MakeCorpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`touch` makes mypy log `Updating mtime` instead of `Parsing`: still a sound run."""
    odd = tmp_path / "checkout (1)"
    shutil.copytree(make_corpus({"check_good.py": GOOD}), odd / "corpus")
    work = odd / "work"
    args = ["--corpus", str(odd / "corpus"), "--checker=mypy", "--workdir", str(work)]
    assert main(args) == 0, capsys.readouterr()
    for staged in (work / "stage").rglob("*.py"):
        staged.touch()
    assert main(args) == 0, capsys.readouterr()


def test_two_environments_under_one_target_name_never_share_a_cache(
    make_corpus: MakeCorpus, make_env: MakeEnv, tmp_path: Path
) -> None:
    corpus = make_corpus({"check_good.py": GOOD})
    first, second = make_env([]), make_env([])
    assert run(corpus, "--checker=mypy", python=first) == 0
    assert run(corpus, "--checker=mypy", python=second) == 0
    assert len(list((tmp_path / "work").glob("inline-*/mypy-py3.11"))) == 2


# -- no vacuous pass ----------------------------------------------------------------------------


def test_a_run_in_which_nothing_was_judged_fails(make_corpus: MakeCorpus, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = make_corpus({"check_new-py312.py": GOOD})
    assert run(corpus, "--checker=mypy", "--python", "3.11") == 1
    assert "nothing was judged" in capsys.readouterr().err
    assert run(corpus, "--checker=mypy", "--python", "3.12") == 0


def test_an_unsupported_entry_counts_only_for_its_documented_failure(
    make_corpus: MakeCorpus, fake_checker: FakeChecker, stubs_python: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """zuban on the stubs target failing for another reason (here: starlette unresolved) is broken, not n/a."""
    fake_checker(
        "zuban",
        """[ "$1" = "--version" ] && { echo "zuban 0"; exit 0; }
        for f in "$@"; do case "$f" in *check_probe_canary.py)
        echo "$f:3:1: error: Cannot find module named \\"starlette\\"  [import-not-found]";;
        esac; done
        echo "Found 1 error in 1 file (checked 5 source files)"
        exit 1""",
    )
    assert run(make_corpus({"check_good.py": GOOD}), "--checker=zuban", python=stubs_python, target="stubs") == 1
    assert "fails in another way than documented" in capsys.readouterr().err


def test_the_pytest_plugin_fails_when_pytest_would_skip_a_case_folder(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path
) -> None:
    corpus = make_corpus({"check_good.py": GOOD, "build/check_hidden.py": GOOD})
    proc = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "bgtyping.plugin", str(corpus),
            f"--typing-corpus={corpus}", f"--typing-target=inline={inline_python}", "--typing-checker=mypy",
            f"--typing-workdir={tmp_path / 'w'}", "-p", "no:cacheprovider",
        ],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "1 of 3 corpus items were not collected or were deselected" in proc.stderr + proc.stdout
    assert "check_hidden[mypy-inline-py3.11]" in proc.stderr + proc.stdout


def test_results_file_that_is_not_json_is_rejected(tmp_path: Path) -> None:
    from bgtyping.output import results

    (tmp_path / "mypy.json").write_text(json.dumps({"checker": "mypy"}), encoding="utf-8")
    with pytest.raises(EngineError, match="not a results file: the file has no `version`"):
        results.load(tmp_path)


def test_the_default_workdir_is_the_user_cache_not_the_checkout(
    make_corpus: MakeCorpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only checkout runs: nothing is written into the current directory."""
    corpus = make_corpus({"check_good.py": GOOD})
    monkeypatch.chdir(corpus)
    monkeypatch.delenv("BGTYPING_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = sorted(p.name for p in corpus.iterdir())
    assert main(["--corpus", str(corpus), "--checker=mypy"]) == 0
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert (tmp_path / "xdg" / "bgtyping" / "stage").is_dir()


# -- found by adversarial review ----------------------------------------------------------------


def test_a_same_size_rewrite_within_a_second_moves_mtime_by_a_whole_second(tmp_path: Path) -> None:
    """mypy calls a file fresh when size and int(mtime) match: a staged edit must never look fresh."""
    path = tmp_path / "check_a.py"
    fsutil.write_if_changed(path, b"x = m\n")
    before = path.stat().st_mtime_ns // 1_000_000_000
    fsutil.write_if_changed(path, b"x = s\n")
    assert path.stat().st_mtime_ns // 1_000_000_000 > before
    again = path.stat().st_mtime_ns
    fsutil.write_if_changed(path, b"x = s\n")  # unchanged: untouched, so caches stay warm
    assert path.stat().st_mtime_ns == again


def test_alternating_same_size_edits_are_never_served_from_mypys_cache(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    template = '"""Claim."""\ndef job(x: int) -> None: ...\nm = 2\ns = "a"\njob(VAR)\n'
    corpus = make_corpus({"check_a.py": template.replace("VAR", "m")})
    case = corpus / "cases" / "check_a.py"
    for _ in range(2):
        case.write_text(template.replace("VAR", "m"), encoding="utf-8")
        assert run(corpus, "--checker=mypy") == 0
        case.write_text(template.replace("VAR", "s"), encoding="utf-8")  # an unclaimed error, same size
        assert run(corpus, "--checker=mypy") == 1


def test_a_symlink_loop_in_a_target_does_not_hang_the_fingerprint(tmp_path: Path) -> None:
    import hashlib

    from bgtyping.reuse.fingerprint import fingerprint_tree

    site = tmp_path / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (site / "loopa").symlink_to(".")
    (site / "loopb").symlink_to(".")
    assert fingerprint_tree(hashlib.sha256(), site, everything=False) == 1


def test_only_the_real_stdlib_counts_by_listing(tmp_path: Path) -> None:
    """A folder under the base prefix that is not the stdlib (an app installed there) counts by content."""
    from bgtyping.reuse.fingerprint import fingerprint_interpreter

    base = tmp_path / "usr"
    stdlib = base / "lib" / "python3.11"
    app = base / "src" / "app" / "starlette"
    app.mkdir(parents=True)
    stdlib.mkdir(parents=True)
    (app / "background.py").write_text("A = 1\n", encoding="utf-8")
    interp = fake_interpreter(base, [stdlib, base / "src" / "app"], [stdlib])
    first = fingerprint_interpreter(interp)
    (app / "background.py").write_text("A = 2\n", encoding="utf-8")
    assert fingerprint_interpreter(interp) != first


def test_a_symlinked_workdir_works(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus = make_corpus({"check_good.py": GOOD})
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert main(["--corpus", str(corpus), "--checker=mypy", "--workdir", str(tmp_path / "link")]) == 0


def test_a_target_that_prints_on_start_up_is_refused(
    make_corpus: MakeCorpus, make_env: MakeEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    python = make_env([])
    lib = python.parent.parent / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (lib / "sitecustomize.py").write_text("print('hello from sitecustomize')\n", encoding="utf-8")
    assert run(make_corpus({"check_good.py": GOOD}), "--checker=mypy", python=python) == 2
    assert "it prints on start-up ('hello from sitecustomize')" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-k", "not pyright"], "were not collected or were deselected"),
        (["{corpus}/cases/check_good.py"], "were not collected or were deselected"),
    ],
    ids=["deselected", "part-of-the-corpus"],
)
def test_the_pytest_plugin_refuses_a_partial_corpus(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    corpus = make_corpus({"check_good.py": GOOD, "check_other.py": GOOD.replace("good", "other")})
    paths = [a.format(corpus=corpus) for a in args] if args[0].startswith("{") else [str(corpus), *args]
    proc = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "bgtyping.plugin", *paths, f"--typing-corpus={corpus}",
            f"--typing-target=inline={inline_python}", f"--typing-workdir={tmp_path / 'w'}", "-p", "no:cacheprovider",
        ],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode != 0, proc.stdout
    assert message in proc.stdout + proc.stderr


def test_the_pytest_plugin_fails_when_nothing_was_judged(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path
) -> None:
    corpus = make_corpus({"check_new-py312.py": GOOD})
    proc = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "bgtyping.plugin", str(corpus), f"--typing-corpus={corpus}",
            f"--typing-target=inline={inline_python}", "--typing-checker=mypy", f"--typing-workdir={tmp_path / 'w'}",
            "-p", "no:cacheprovider",
        ],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout
    assert "nothing was judged" in proc.stdout


def test_atomic_writes_keep_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fsutil.atomic_write(tmp_path / "typing.xml", "<x/>")
    finally:
        os.umask(old)
    assert (tmp_path / "typing.xml").stat().st_mode & 0o777 == 0o644


def test_a_hard_linked_file_counts_by_content_not_by_ctime(tmp_path: Path) -> None:
    """uv links one cached file into many venvs; a new link elsewhere must not miss, an edit must."""
    site, module = linked_site(tmp_path, "A = 1\n")

    def key() -> str:
        return tree_digest(site)

    first = key()
    os.link(module, tmp_path / "another-venv.py")  # changes the ctime of every link
    assert key() == first
    before = module.stat()
    module.write_text("A = 2\n", encoding="utf-8")
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert key() != first


def test_a_resolution_probe_that_lost_its_claims_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A probe emptied (a linter's autofix once removed its imports) would pass under any checker: refused."""
    from bgtyping.engine import health

    for folder in ("common", "stubs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "common" / "check_probe_x.py").write_text('"""A canary that lost its body."""\n', encoding="utf-8")
    (tmp_path / "stubs" / "check_probe_y.py").write_text('"""No claim."""\n\nimport starlette\n', encoding="utf-8")
    monkeypatch.setattr(health, "PROBES", tmp_path)
    health.probe_cases.cache_clear()
    try:
        with pytest.raises(EngineError, match="holds nothing but its docstring"):
            health.probe_cases("stubs")
        (tmp_path / "common" / "check_probe_x.py").write_text('"""Still no claim."""\n\nimport fastapi\n')
        with pytest.raises(EngineError, match="claim no error, so they cannot fail"):
            health.probe_cases("stubs")
    finally:
        health.probe_cases.cache_clear()


def test_version_is_read_only_when_asked_and_names_engine_corpus_and_pins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--version` prints the engine, the corpus and the pins on stdout; any other run never computes it."""
    asked: list[int] = []
    real = cli.version_text

    def counted() -> str:
        asked.append(1)
        return real()

    monkeypatch.setattr(cli, "version_text", counted)
    cli.build_parser().parse_args(["--checker", "ty"])
    assert not asked  # reading package metadata costs a tenth of the engine's start-up
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert asked == [1]
    assert out.startswith("bgtyping "), out
    assert "corpus: " in out, out
    assert "mypy " in out, out
