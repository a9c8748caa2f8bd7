"""Checker output is read one run at a time: two 20 MB reports held at once only double the engine's peak."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from bgtyping.checkers.protocol import Parsed, Report, RunSpec
from bgtyping.engine import execute
from bgtyping.host.procs import Processes

ENV = {"PATH": "/usr/bin:/bin"}


def test_a_runs_output_waits_until_no_other_output_is_held(tmp_path: Path) -> None:
    held = threading.Lock()
    held.acquire()  # another run's output is being parsed
    got: list[str] = []

    def read() -> None:
        with Processes().output([sys.executable, "-c", "print('x')"], cwd=tmp_path, env=ENV, timeout=60,
                                one_at_a_time=held) as done:  # fmt: skip
            got.append(Report(done.stdout).text())

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(1.0)  # the process has long ended; its output must still be unread
    assert got == []
    held.release()
    thread.join(timeout=60)
    assert got == ["x\n"]


def test_the_engine_parses_a_checkers_output_while_it_holds_the_reading_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bgtyping import checkers

    checker = checkers.get("ty")
    seen: list[bool] = []

    def parse(self: object, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        seen.append(execute._READING.locked())  # pyright: ignore[reportPrivateUsage]
        return Parsed((), 0, "ty 0")

    def command(self: object, exe: str, spec: RunSpec) -> list[str]:
        return ["/bin/true"]

    monkeypatch.setattr(type(checker), "parse", parse)
    monkeypatch.setattr(type(checker), "command", command)

    def find_executable(name: str) -> str:
        return "/bin/true"

    monkeypatch.setattr(execute, "find_executable", find_executable)
    from bgtyping.model import RunKey

    spec = RunSpec(RunKey("ty", "inline", "3.11"), (), Path(sys.executable), "3.11", tmp_path, tmp_path)
    execute.execute(checker, spec, 60, Processes())
    assert seen == [True]
    assert not execute._READING.locked()  # pyright: ignore[reportPrivateUsage]
