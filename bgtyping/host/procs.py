"""Checker processes in their own process groups, so a timeout, Ctrl-C or SIGTERM kills the whole tree."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..model import EngineError

Popen = subprocess.Popen[bytes]


class Cancelled(EngineError):
    """The plan was interrupted; the run gives no verdict."""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Output:
    returncode: int
    stdout: IO[bytes]  # the file it was written to, open until the block ends
    stderr: str


class TimedOut(Exception):
    pass


class Processes:
    """Every child started for one plan; `cancel()` kills them all and refuses new ones."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self.cancelled = threading.Event()

    def run(self, cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float) -> Finished:
        with self._ran(cmd, cwd=cwd, env=env, timeout=timeout, started=None) as (code, out, err):
            return Finished(code, _text(out), _text(err))

    @contextlib.contextmanager
    def output(
        self,
        cmd: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        timeout: float,
        one_at_a_time: threading.Lock,
        started: Callable[[], None] | None = None,
    ) -> Generator[Output]:
        """As `run`, but stdout stays in its file, to be read inside the block, under `one_at_a_time`;
        `started` is called once the process is running, outside the lock.

        A large corpus makes each checker's JSON tens of megabytes; the parser streams it from the file
        (checkers.protocol.Report), and reading one while another is parsed only doubles the peak
        (parsing holds the GIL, so nothing runs faster for it)."""
        with self._ran(cmd, cwd=cwd, env=env, timeout=timeout, started=started) as (code, out, err), one_at_a_time:
            yield Output(code, out, _text(err))

    @contextlib.contextmanager
    def _ran(
        self,
        cmd: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        timeout: float,
        started: Callable[[], None] | None,
    ) -> Generator[tuple[int, IO[bytes], IO[bytes]]]:
        # Output goes to unnamed temporary files, read once at the end: no thread polls pipes while a
        # checker writes megabytes of JSON and logs.
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            with self._lock:
                if self.cancelled.is_set():
                    raise Cancelled("interrupted")
                proc = subprocess.Popen(
                    list(cmd), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                    start_new_session=True,
                )  # fmt: skip
                self._live.add(proc)
            # A blocking wait and a timer that kills: `wait(timeout=...)` polls, sleeping up to 50 ms past
            # the checker's exit, which is a quarter of a fast checker's whole run.
            expired = threading.Event()
            timer = threading.Timer(timeout, _expire, (proc, expired))
            timer.daemon = True
            timer.start()
            try:
                if started is not None:
                    started()
                proc.wait()
            finally:
                timer.cancel()
                kill_group(proc)  # a child the checker left behind (pyright's node) goes with it
                proc.wait()
                with self._lock:
                    self._live.discard(proc)
            if self.cancelled.is_set():
                raise Cancelled("interrupted")
            if expired.is_set():
                raise TimedOut
            yield proc.returncode, out, err

    def start(self, cmd: Sequence[str], *, env: Mapping[str, str], stdin: int, stdout: int, stderr: IO[bytes]) -> Popen:
        """A long-lived child (a fork server's worker), killed by `cancel()` like any run until `finish()`."""
        with self._lock:
            if self.cancelled.is_set():
                raise Cancelled("interrupted")
            proc = subprocess.Popen(
                list(cmd), env=dict(env), stdin=stdin, stdout=stdout, stderr=stderr, start_new_session=True
            )
            self._live.add(proc)
        return proc

    def finish(self, proc: Popen) -> None:
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        kill_group(proc)
        proc.wait()
        with self._lock:
            self._live.discard(proc)

    def cancel(self) -> int:
        """Kill every running child; returns how many were running."""
        with self._lock:
            self.cancelled.set()
            live = list(self._live)
        for proc in live:
            kill_group(proc)
        return len(live)


def _text(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")  # a checker's odd bytes must not become a traceback


def _expire(proc: subprocess.Popen[bytes], expired: threading.Event) -> None:
    expired.set()
    kill_group(proc)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
