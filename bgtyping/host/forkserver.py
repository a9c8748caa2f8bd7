"""Many runs of one console script without paying its interpreter's start-up each time.

A fresh `mypy` process spends 0.1 s importing mypy before it looks at a file, more than a warm check
of a small batch takes. A fork server (forkworker.py) imports it once, in the environment the runs
would get, and forks a child per run that executes the console script itself, as `python SCRIPT`
would. Used only where it is the same process in every respect that can matter: the script is a
Python file whose shebang names an interpreter, the platform forks, and nothing in the run's
environment is read at interpreter start (no `PYTHON*` variable). Anything else, or a worker that
stops, runs as a plain subprocess: the reference, never a different verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from .procs import Cancelled, Finished, Processes, TimedOut, kill_group
from .shebang import shebang_words

WORKER = Path(__file__).with_name("forkworker.py")


def shebang_python(script: str) -> str | None:
    """The interpreter a console script's `#!` line names, when it is one absolute path and nothing else."""
    words = shebang_words(script)
    if words is None or len(words) != 1 or not os.path.isabs(words[0]) or "python" not in os.path.basename(words[0]):
        return None  # `#!/usr/bin/env python`, `#!/bin/sh` wrappers, arguments: run it as it is
    return words[0] if os.access(words[0], os.X_OK) else None


class _Worker:
    def __init__(self, processes: Processes, python: str, script: str, env: Mapping[str, str], preload: Sequence[str]):
        self.processes = processes
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker; closed by close()
        self.proc = processes.start(
            [python, str(WORKER), script, *preload], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.log,
        )  # fmt: skip

    def run(self, args: Sequence[str], cwd: Path, timeout: float) -> Finished | None:
        """The run's result; None when the worker is gone (the caller runs it as a subprocess)."""
        proc = self.proc
        assert proc.stdin is not None
        assert proc.stdout is not None
        out, err = _named(), _named()
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            kill_group(proc)

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        try:
            request = {"args": list(args), "cwd": str(cwd), "stdout": out.name, "stderr": err.name}
            try:
                proc.stdin.write(json.dumps(request).encode() + b"\n")
                proc.stdin.flush()
            except OSError:
                return None
            timer.start()
            line = proc.stdout.readline()
            timer.cancel()
            if self.processes.cancelled.is_set():
                raise Cancelled("interrupted")
            if expired.is_set():
                raise TimedOut
            try:
                code = int(json.loads(line)["code"])
            except (ValueError, KeyError, TypeError):
                return None  # the worker died: its child's files may be half written
            return Finished(code, _text(out), _text(err))
        finally:
            timer.cancel()
            out.close()
            err.close()

    def close(self) -> None:
        self.processes.finish(self.proc)
        self.log.close()


def _named() -> IO[bytes]:
    return tempfile.NamedTemporaryFile(prefix="bgtyping-fork-", suffix=".out")


def _text(handle: IO[bytes]) -> str:
    with open(handle.name, "rb") as written:  # the child wrote through its own descriptor
        return written.read().decode("utf-8", errors="replace")


class ForkPool:
    """One worker per (thread, script, environment), started on first use, all stopped by `close()`."""

    def __init__(self, processes: Processes, preload: Sequence[str] = ()) -> None:
        self.processes = processes
        self.preload = tuple(preload)
        self._lock = threading.Lock()
        self._workers: dict[tuple[int, str, tuple[tuple[str, str], ...]], _Worker] = {}
        self._broken: set[tuple[int, str, tuple[tuple[str, str], ...]]] = set()
        self._pythons: dict[str, str | None] = {}
        self.forked = 0  # runs served by a worker, for tests and progress

    def usable(self, script: str, env: Mapping[str, str]) -> str | None:
        if not hasattr(os, "fork") or any(name.startswith("PYTHON") for name in env):
            return None
        with self._lock:  # read once per script, not once per run
            if script not in self._pythons:
                self._pythons[script] = shebang_python(script)
            return self._pythons[script]

    def run(self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float) -> Finished:
        python = self.usable(command[0], env)
        key = (threading.get_ident(), command[0], tuple(sorted(env.items())))
        if python is not None and key not in self._broken:
            with self._lock:
                worker = self._workers.get(key)
            try:
                if worker is None:
                    worker = _Worker(self.processes, python, command[0], env, self.preload)
                    with self._lock:
                        self._workers[key] = worker
                done = worker.run(command[1:], cwd, timeout)
            except TimedOut:
                self._drop(key)
                raise
            except OSError:  # the worker could not start: the plain way says why, if it fails too
                done = None
            if done is not None:
                with self._lock:
                    self.forked += 1
                return done
            self._drop(key)  # gone: this environment runs as subprocesses from now on
            self._broken.add(key)
        return self.processes.run(command, cwd=cwd, env=env, timeout=timeout)

    def _drop(self, key: tuple[int, str, tuple[tuple[str, str], ...]]) -> None:
        with self._lock:
            worker = self._workers.pop(key, None)
        if worker is not None:
            worker.close()

    def close(self) -> None:
        with self._lock:
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.close()
