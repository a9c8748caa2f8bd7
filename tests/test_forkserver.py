"""The mypy fork server: a run from a warm worker is the run a fresh process would make, or it is not used."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from bgtyping.host.forkserver import ForkPool, shebang_python
from bgtyping.host.procs import Cancelled, Processes, TimedOut

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs os.fork")

# Everything a run could read of its process: where it is, what it was given, what it imports from.
PROBE = """\
import json, os, sys
import email.utils as preloaded
seen = getattr(preloaded, "bgtyping_seen", None)
preloaded.bgtyping_seen = sys.argv[1:]  # a later run must never see this
print(json.dumps({
    "path": sys.path, "argv": sys.argv, "cwd": os.getcwd(), "env": dict(os.environ), "seen": seen,
    "stdin": sys.stdin.read(), "tty": [sys.stdout.isatty(), sys.stderr.isatty()], "name": __name__,
    "main": sys.modules["__main__"].__dict__.get("__file__"), "executable": sys.executable,
    "flags": list(sys.flags), "encoding": [sys.stdout.encoding, sys.stderr.encoding],
}))
print("to stderr", file=sys.stderr)
code = sys.argv[1] if len(sys.argv) > 1 else "0"
if code == "raise":
    raise ValueError("boom")
if code == "text":
    sys.exit("a message")
if code == "kill-worker":  # only a fork server's worker: a fresh process's parent is the test itself
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as parent:
        if b"forkworker.py" in parent.read():
            os.kill(os.getppid(), 9)
    sys.exit(0)
if code == "sleep":
    import time
    time.sleep(30)
sys.exit(int(code))
"""


def script(tmp_path: Path, body: str = PROBE, shebang: str | None = None) -> str:
    path = tmp_path / "bin" / "tool"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"{shebang or '#!' + sys.executable}\n{body}", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


ENV = {"MYPYPATH": "/somewhere", "LANG": "C"}


@pytest.mark.parametrize("args", [["0"], ["3"], ["raise"], ["text"], ["256"]])
def test_a_forked_run_is_the_fresh_run(tmp_path: Path, args: list[str]) -> None:
    tool = script(tmp_path)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    procs = Processes()
    forks = ForkPool(procs, preload=("email.utils",))
    try:
        forked = [forks.run([tool, *args], cwd=cwd, env=ENV, timeout=60) for _ in range(2)]
    finally:
        forks.close()
    fresh = procs.run([tool, *args], cwd=cwd, env=ENV, timeout=60)
    assert forks.forked == 2
    for done in forked:
        assert done.returncode == fresh.returncode
        assert done.stdout == fresh.stdout  # sys.path, argv, cwd, environment, no state from the run before
        if args[0] != "raise":  # a traceback names runpy's frames; the exit code and the message are the same
            assert done.stderr == fresh.stderr
        else:
            assert done.stderr.splitlines()[-1] == fresh.stderr.splitlines()[-1] == "ValueError: boom"


def test_a_timed_out_run_kills_its_worker_and_the_next_run_gets_a_new_one(tmp_path: Path) -> None:
    tool = script(tmp_path)
    forks = ForkPool(Processes())
    try:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            forks.run([tool, "sleep"], cwd=tmp_path, env=ENV, timeout=2)
        assert time.monotonic() - started < 20
        assert forks.run([tool, "5"], cwd=tmp_path, env=ENV, timeout=60).returncode == 5
        assert forks.forked == 1
    finally:
        forks.close()


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="the probe reads /proc")
def test_a_worker_that_dies_hands_the_run_to_a_fresh_process(tmp_path: Path) -> None:
    tool = script(tmp_path)
    procs = Processes()
    forks = ForkPool(procs)
    try:
        done = forks.run([tool, "kill-worker"], cwd=tmp_path, env=ENV, timeout=60)
    finally:
        forks.close()
    assert forks.forked == 0  # the worker died under the run: its answer is the fresh process's
    assert done.returncode == 0
    assert '"argv"' in done.stdout


def test_cancel_kills_the_workers_and_refuses_more(tmp_path: Path) -> None:
    tool = script(tmp_path)
    procs = Processes()
    forks = ForkPool(procs)
    try:
        assert forks.run([tool, "0"], cwd=tmp_path, env=ENV, timeout=60).returncode == 0
        assert procs.cancel() == 1  # the idle worker was a live child
        with pytest.raises(Cancelled):
            forks.run([tool, "0"], cwd=tmp_path, env=ENV, timeout=60)
    finally:
        forks.close()


@pytest.mark.parametrize(
    ("shebang", "env"),
    [
        ("#!/usr/bin/env python3", ENV),  # found through PATH at start-up: run it as it is
        (f"#!{sys.executable} -E", ENV),  # interpreter flags
        ("#!/bin/sh", ENV),
        (None, {**ENV, "PYTHONPATH": "/x"}),  # read at interpreter start-up, not by the script
        (None, {**ENV, "PYTHONHASHSEED": "1"}),
    ],
)
def test_a_run_the_worker_cannot_reproduce_is_a_fresh_process(
    tmp_path: Path, shebang: str | None, env: dict[str, str]
) -> None:
    body = PROBE if shebang != "#!/bin/sh" else "echo from-sh\n"
    tool = script(tmp_path, body, shebang)
    forks = ForkPool(Processes())
    try:
        done = forks.run([tool, "0"], cwd=tmp_path, env=env, timeout=60)
    finally:
        forks.close()
    assert forks.forked == 0
    assert done.returncode == 0


def test_shebang_reading(tmp_path: Path) -> None:
    assert shebang_python(script(tmp_path)) == sys.executable
    assert shebang_python(str(tmp_path / "missing")) is None
    assert shebang_python(script(tmp_path, shebang="#!/nonexistent/python3")) is None
    (tmp_path / "bin" / "tool").write_bytes(b"\x7fELF\x02\x01")
    assert shebang_python(str(tmp_path / "bin" / "tool")) is None
