"""Run one checker over one batch: find it, reuse or start it, parse its output, map staged paths back."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..checkers.protocol import Report, RunSpec, TypeChecker
from ..host.procs import Processes, TimedOut
from ..model import Diagnostic, EngineError, RunResult
from ..reuse import store
from ..reuse.key import KeyInputs


def find_executable(name: str) -> str:
    """Prefer the checker installed beside the running interpreter, then PATH."""
    if Path(name).is_absolute():
        if Path(name).is_file():
            return name
        raise EngineError(f"checker executable {name} does not exist")
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / name, Path(sys.executable).parent / name):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise EngineError(f"checker executable {name!r} is not installed (looked in {scripts} and on PATH)")
    return found


_VERSIONS: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def version_of(
    exe: str, env: tuple[tuple[str, str], ...] = (), procs: Processes | None = None, cwd: Path | None = None
) -> str:
    """One `--version` per executable and environment; under `procs`, killed with the plan's checkers.

    `cwd`: where it runs (a run's own folder, as the checker itself); by default the temporary folder,
    never the caller's cwd, which may hold configs or be gone."""
    if (known := _VERSIONS.get((exe, env))) is not None:
        return known
    where = cwd if cwd is not None else Path(tempfile.gettempdir())
    try:
        done = (procs or Processes()).run([exe, "--version"], cwd=where, env=dict(env or os.environ), timeout=120)
    except TimedOut:
        raise EngineError(f"{exe} --version did not finish within 120 s") from None
    except OSError as exc:
        raise EngineError(f"{exe} --version failed: {exc.strerror or exc}") from None
    text = (done.stdout or done.stderr).strip()
    if done.returncode != 0 or not text:
        raise EngineError(f"{exe} --version failed (exit {done.returncode}): {text[:300]}")
    _VERSIONS[exe, env] = found = text.splitlines()[0]
    return found


class _VersionBeside:
    """`--version` asked beside the run, not after it: the answer is ready when the report is read.

    Asked once the checker itself has started (`start`, Processes.output's `started`), so the run goes
    first; a daemon thread, so a hung `--version` never holds up an exit (a pool's worker would)."""

    def __init__(self, exe: str, env: tuple[tuple[str, str], ...], procs: Processes, cwd: Path) -> None:
        self._ask = functools.partial(version_of, exe, env, procs, cwd)
        self._answer: list[str | EngineError] = []
        self._thread = threading.Thread(target=self._run, name=f"version {exe}", daemon=True)

    def _run(self) -> None:
        try:
            self._answer.append(self._ask())
        except EngineError as exc:
            self._answer.append(exc)

    def start(self) -> None:
        self._thread.start()

    def result(self) -> str:
        if self._thread.ident is None:
            self._run()  # never started (the checker did not start): ask now
        else:
            self._thread.join()
        if isinstance(found := self._answer[0], EngineError):
            raise found
        return found


@dataclass(frozen=True)
class Executed:
    result: RunResult
    fingerprint: str | None  # the reuse key, when reuse is on
    reused: bool


# One checker's output is read and parsed at a time (Processes.output says why).
_READING = threading.Lock()


def execute(
    checker: TypeChecker, spec: RunSpec, timeout: float, procs: Processes, inputs: KeyInputs | None = None
) -> Executed:
    """Run one checker over the batch; any crash, timeout or garbage raises EngineError."""
    exe = find_executable(checker.executable)
    spec.workdir.mkdir(parents=True, exist_ok=True)
    cmd = checker.command(exe, spec)
    fingerprint = inputs.key(checker, exe, cmd, spec) if inputs is not None and spec.reuse else None
    if fingerprint is not None and (cached := store.load(spec.workdir, fingerprint)) is not None:
        return Executed(cached, fingerprint, True)
    env = tuple(sorted(spec.env.items()))
    asked = None if checker.reports_version else _VersionBeside(exe, env, procs, spec.workdir)
    started = time.perf_counter()
    originals = {staged: str(original) for staged, original in spec.origin.items()}
    with contextlib.ExitStack() as held:
        try:
            proc = held.enter_context(
                procs.output(
                    cmd,
                    cwd=spec.workdir,
                    env=spec.env,
                    timeout=timeout,
                    one_at_a_time=_READING,
                    started=asked.start if asked is not None else None,
                )
            )
        except TimedOut:
            raise EngineError(f"{spec.key}: {checker.name} did not finish within {timeout:g} s; {_show(cmd)}") from None
        except OSError as exc:
            raise EngineError(f"{spec.key}: could not start {checker.name}: {exc.strerror or exc}") from None
        seconds = time.perf_counter() - started
        report = Report(proc.stdout)
        if proc.returncode not in checker.ok_exit_codes:
            said = proc.stderr or report.text()
            raise EngineError(
                f"{spec.key}: {checker.name} crashed (exit {proc.returncode}): {_cause(said)}\n  {_show(cmd)}\n"
                + _tail(said)
            )
        parsed = checker.parse(report, proc.stderr, spec)
        diagnostics = tuple(_unstage(d, originals) for d in parsed.diagnostics)
        version, analysed = parsed.version, parsed.analyzed
        del proc, report, parsed  # the output goes before the next checker's is read
    result = RunResult(
        key=spec.key,
        version=version or (asked.result() if asked is not None else version_of(exe, env, procs, spec.workdir)),
        command=tuple(cmd),
        diagnostics=diagnostics,
        analyzed=frozenset(originals.get(p, p) for p in analysed) if isinstance(analysed, frozenset) else analysed,
        seconds=seconds,
    )
    return Executed(result, fingerprint, False)


def _unstage(diag: Diagnostic, originals: Mapping[str, str]) -> Diagnostic:
    """The diagnostic on the user's file; built directly, as `dataclasses.replace` costs 10x per diagnostic.

    Codes and messages repeat across a large corpus (the same mistake in many cases): one copy of each
    text is kept (`sys.intern`), not one per diagnostic.
    """
    original = originals.get(diag.path, diag.path)
    return Diagnostic(original, diag.line, diag.column, diag.severity, sys.intern(diag.code), sys.intern(diag.message))


def _show(cmd: Sequence[str]) -> str:
    """The command, short: the checkers read their file lists from files (checkers/common.listable), and a
    `.py` argument a caller still passes is counted, not shown."""
    shown = [c for c in cmd if not c.endswith(".py")]
    files = len(cmd) - len(shown)
    return "command: " + " ".join(shown) + (f" <{files} case files>" if files else "")


def _cause(text: str) -> str:
    """The line of a crash report most likely to say why: an error line if there is one, else the last."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if any(word in line for word in ("Error", "ERROR", "error:", "panic", "Traceback")):
            return line[:300]
    return lines[-1][:300] if lines else "no output"


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
