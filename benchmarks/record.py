"""Run a bgtyping command and record every checker command it starts: the bare side of a YAML figure.

    python benchmarks/record.py LOG.json -- yaml PATH... --checker mypy,pyright ...

The command runs in this process, as `python -m bgtyping ...` would, with the engine's process
starters wrapped to note each command's argv, cwd and environment (a run from mypy's fork server is
noted as the command it stands for). Exit code: bgtyping's. The log lists the commands in order.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bgtyping.cli import main as bgtyping_main
from bgtyping.host import forkserver, procs

_seen: list[dict[str, Any]] = []
_lock = threading.Lock()
_inside = threading.local()  # a fork server's fallback to a plain process is one command, not two


def _note(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
    if getattr(_inside, "active", False):
        return
    with _lock:
        _seen.append({"argv": list(command), "cwd": str(cwd), "env": dict(env)})


def main(argv: list[str]) -> int:
    log, rest = Path(argv[0]), argv[argv.index("--") + 1 :]
    plain, held, forked = procs.Processes.run, procs.Processes.output, forkserver.ForkPool.run

    def run_plain(
        self: procs.Processes, cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
    ) -> procs.Finished:
        _note(cmd, cwd, env)
        return plain(self, cmd, cwd=cwd, env=env, timeout=timeout)

    def output(
        self: procs.Processes, cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], **rest: Any
    ) -> AbstractContextManager[procs.Output]:
        # The rest passes through untouched: a new option of Processes.output needs no change here.
        _note(cmd, cwd, env)  # the engine's checker runs (execute): pyright's, ty's, ...
        return held(self, cmd, cwd=cwd, env=env, **rest)

    def run_forked(
        self: forkserver.ForkPool, cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
    ) -> procs.Finished:
        _note(cmd, cwd, env)
        _inside.active = True
        try:
            return forked(self, cmd, cwd=cwd, env=env, timeout=timeout)
        finally:
            _inside.active = False

    procs.Processes.run = run_plain  # type: ignore[method-assign]
    procs.Processes.output = output  # type: ignore[method-assign,assignment]
    forkserver.ForkPool.run = run_forked  # type: ignore[method-assign,assignment]
    code = bgtyping_main(rest)
    log.write_text(json.dumps(_seen), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
