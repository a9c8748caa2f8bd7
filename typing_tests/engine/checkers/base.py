"""The one interface every checker module implements, and the code that runs any of them."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .. import resultcache
from ..model import Diagnostic, EngineError, RunKey, RunResult

# Error kinds a case line can claim with `# E: <kind>`; each checker maps every kind to its own codes.
KINDS: Mapping[str, str] = {
    "arg-type": "an argument has the wrong type for the task's parameter",
    "missing-arg": "a required task parameter gets no argument",
    "too-many-pos": "more positional arguments than the task accepts",
    "unknown-kw": "a keyword that names no task parameter",
    "dup-arg": "one task parameter given both by position and by keyword",
    "kw-only-as-pos": "a keyword-only task parameter passed by position",
    "pos-only-as-kw": "a positional-only task parameter passed by keyword",
    "not-callable": "the task is not a callable",
    "func-collision": "a task keyword named `func` collides with add_task's own `func`",
    "self-collision": "a task keyword named `self` collides with the method's own bound `self`",
    "assert-type": "`assert_type` fails",
    "assignment": "an assignment of an incompatible type",
    "attr": "an attribute that does not exist",
    "import-name": "a `from module import name` of a name the module does not have",
    "await": "an await of something that is not awaitable",
}


@dataclass(frozen=True)
class RunSpec:
    """One batched run: every case file, one checked environment, one target Python version."""

    key: RunKey
    files: tuple[Path, ...]
    python: Path
    python_version: str
    workdir: Path
    root: Path
    reuse: bool = False


@dataclass(frozen=True)
class Parsed:
    diagnostics: tuple[Diagnostic, ...]
    analyzed: frozenset[str] | int | None
    version: str | None = None


class TypeChecker(Protocol):
    """A type checker the engine can run once over a whole corpus."""

    @property
    def name(self) -> str: ...

    @property
    def family(self) -> str:
        """Checkers of one family share error codes, so `mypy=...` in a case also speaks for zuban."""
        ...

    @property
    def executable(self) -> str: ...

    @property
    def codes(self) -> Mapping[str, frozenset[str]]:
        """For every kind in KINDS, the exact set of codes this checker reports on the line."""
        ...

    @property
    def import_codes(self) -> frozenset[str]:
        """Codes that mean an import did not resolve."""
        ...

    @property
    def ok_exit_codes(self) -> frozenset[int]: ...

    @property
    def unsupported(self) -> Mapping[str, str]:
        """Targets this checker cannot handle, with the reason; the engine proves each still fails."""
        ...

    def command(self, exe: str, spec: RunSpec) -> list[str]: ...

    def parse(self, stdout: str, stderr: str, spec: RunSpec) -> Parsed:
        """Turn the raw output into diagnostics; raise EngineError on anything unexpected."""
        ...


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


@functools.cache  # one `--version` per executable, not one per run
def version_of(exe: str) -> str:
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120, check=False)
    text = (proc.stdout or proc.stderr).strip()
    if proc.returncode != 0 or not text:
        raise EngineError(f"{exe} --version failed (exit {proc.returncode}): {text[:300]}")
    return text.splitlines()[0]


def execute(checker: TypeChecker, spec: RunSpec, timeout: float) -> RunResult:
    """Run one checker over the batch; any crash, timeout or garbage raises EngineError."""
    exe = find_executable(checker.executable)
    spec.workdir.mkdir(parents=True, exist_ok=True)
    cmd = checker.command(exe, spec)
    fingerprint = resultcache.key(cmd, exe, spec.files, spec.python) if spec.reuse else None
    if fingerprint is not None and (cached := resultcache.load(spec.workdir, fingerprint)) is not None:
        return cached
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=spec.root, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"{spec.key}: {checker.name} did not finish within {timeout:.0f} s: {_show(cmd)}") from exc
    except OSError as exc:
        raise EngineError(f"{spec.key}: could not start {checker.name}: {exc}") from exc
    seconds = time.perf_counter() - started
    if proc.returncode not in checker.ok_exit_codes:
        raise EngineError(
            f"{spec.key}: {checker.name} crashed (exit {proc.returncode}): {_show(cmd)}\n"
            + _tail(proc.stderr or proc.stdout)
        )
    parsed = checker.parse(proc.stdout, proc.stderr, spec)
    result = RunResult(
        key=spec.key,
        version=parsed.version or version_of(exe),
        command=tuple(cmd),
        diagnostics=parsed.diagnostics,
        analyzed=parsed.analyzed,
        seconds=seconds,
    )
    if fingerprint is not None:
        resultcache.save(spec.workdir, fingerprint, result)
    return result


def _show(cmd: Sequence[str]) -> str:
    return " ".join(cmd)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
