"""The one interface every checker module implements, and the code that runs any of them."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import resultcache
from ..fsutil import atomic_write
from ..model import Diagnostic, EngineError, RunKey, RunResult
from ..procs import Processes, TimedOut

if TYPE_CHECKING:
    from ..inputs import KeyInputs

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
    # Reported only by bgtyping.mypy_plugin; every other checker has no plugin interface, so their cases
    # name a divergence that says they report nothing (their codes below are the plugin's own).
    "task-generator": "a generator function as the task: starlette never iterates it, so its body never runs",
    "task-unawaited": "a sync task that returns an awaitable: starlette never awaits it",
}

# The codes of bgtyping.mypy_plugin; checkers without it record what they say instead as a divergence.
PLUGIN_CODES: Mapping[str, frozenset[str]] = {
    "task-generator": frozenset({"bg-task-generator"}),
    "task-unawaited": frozenset({"bg-task-unawaited"}),
}


@dataclass(frozen=True)
class RunSpec:
    """One batched run: every (staged) case file, one checked environment, one target Python version."""

    key: RunKey
    files: tuple[Path, ...]
    python: Path
    python_version: str
    workdir: Path
    root: Path
    reuse: bool = False
    env: Mapping[str, str] = field(default_factory=dict[str, str])
    # staged copy -> the case file it was copied from, so diagnostics point at the user's files
    origin: Mapping[str, Path] = field(default_factory=dict[str, Path])
    # the target's content fingerprint: a checker cache is valid for exactly one state of the target
    environment_tag: str = "none"


@dataclass(frozen=True)
class Unsupported:
    """A documented limitation: it counts only when exactly this failure reproduces, and nothing else is wrong.

    `probe` is the one resolution probe that must fail, and it must fail with a diagnostic of `code`
    whose message contains `message`; every other probe and health check must pass.
    """

    reason: str
    probe: str
    code: str
    message: str


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
    def keeps_cache(self) -> bool:
        """Whether it keeps a cache between runs that trusts file stats; its cache is then per target state."""
        ...

    @property
    def unsupported(self) -> Mapping[str, Unsupported]:
        """Targets this checker cannot handle, with the reason; the engine proves each still fails."""
        ...

    def inputs(self, env: Mapping[str, str]) -> tuple[Path, ...]:
        """Files outside the checker's installation that it runs from, for the reuse key."""
        ...

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        """The command line; it may write an engine-owned config file into `spec.workdir`."""
        ...

    def parse(self, stdout: str, stderr: str, spec: RunSpec) -> Parsed:
        """Turn the raw output into diagnostics; raise EngineError on anything unexpected."""
        ...


def write_config(spec: RunSpec, name: str, text: str) -> Path:
    """An engine-written config in the run's own folder; every file there is part of the reuse key."""
    path = spec.workdir / name
    atomic_write(path, text)
    return path


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


def resolver(root: Path, staged: Collection[str] = ()) -> Callable[[str], str]:
    """Resolve a path a checker printed (relative to `root`) once per run, not once per diagnostic.

    A run prints the same few thousand paths many times over, and each `resolve()` is a stat per path
    component. A path that names a staged file once `..` is folded is taken as it stands: the staged
    files and the run folders `..` climbs out of are the engine's own, created by it below a resolved
    workdir, so no symlink can intervene. Anything else is resolved. Memoised per run.
    """
    seen: dict[str, str] = {}

    def resolve(path: str) -> str:
        found = seen.get(path)
        if found is None:
            joined = os.path.join(root, path)
            folded = os.path.normpath(joined)
            found = seen[path] = folded if folded in staged else str(Path(joined).resolve())
        return found

    return resolve


@functools.cache  # one `--version` per executable, not one per run
def version_of(exe: str, env: tuple[tuple[str, str], ...] = ()) -> str:
    try:
        proc = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=120, check=False, env=dict(env) or None
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"{exe} --version failed: {exc}") from None
    text = (proc.stdout or proc.stderr).strip()
    if proc.returncode != 0 or not text:
        raise EngineError(f"{exe} --version failed (exit {proc.returncode}): {text[:300]}")
    return text.splitlines()[0]


@dataclass(frozen=True)
class Executed:
    result: RunResult
    fingerprint: str | None  # the reuse key, when reuse is on
    reused: bool


def execute(
    checker: TypeChecker, spec: RunSpec, timeout: float, procs: Processes, inputs: KeyInputs | None = None
) -> Executed:
    """Run one checker over the batch; any crash, timeout or garbage raises EngineError."""
    exe = find_executable(checker.executable)
    spec.workdir.mkdir(parents=True, exist_ok=True)
    cmd = checker.command(exe, spec)
    fingerprint = inputs.key(checker, exe, cmd, spec) if inputs is not None and spec.reuse else None
    if fingerprint is not None and (cached := resultcache.load(spec.workdir, fingerprint)) is not None:
        return Executed(cached, fingerprint, True)
    started = time.perf_counter()
    try:
        proc = procs.run(cmd, cwd=spec.workdir, env=spec.env, timeout=timeout)
    except TimedOut:
        raise EngineError(f"{spec.key}: {checker.name} did not finish within {timeout:g} s; {_show(cmd)}") from None
    except OSError as exc:
        raise EngineError(f"{spec.key}: could not start {checker.name}: {exc.strerror or exc}") from None
    seconds = time.perf_counter() - started
    if proc.returncode not in checker.ok_exit_codes:
        cause = _cause(proc.stderr or proc.stdout)
        raise EngineError(
            f"{spec.key}: {checker.name} crashed (exit {proc.returncode}): {cause}\n  {_show(cmd)}\n"
            + _tail(proc.stderr or proc.stdout)
        )
    parsed = checker.parse(proc.stdout, proc.stderr, spec)
    originals = {staged: str(original) for staged, original in spec.origin.items()}
    result = RunResult(
        key=spec.key,
        version=parsed.version or version_of(exe, tuple(sorted(spec.env.items()))),
        command=tuple(cmd),
        diagnostics=tuple(_unstage(d, originals) for d in parsed.diagnostics),
        analyzed=(
            frozenset(originals.get(p, p) for p in parsed.analyzed)
            if isinstance(parsed.analyzed, frozenset)
            else parsed.analyzed
        ),
        seconds=seconds,
    )
    return Executed(result, fingerprint, False)


def _unstage(diag: Diagnostic, originals: Mapping[str, str]) -> Diagnostic:
    """The diagnostic on the user's file; built directly, as `dataclasses.replace` costs 10x per diagnostic."""
    original = originals.get(diag.path)
    if original is None:
        return diag
    return Diagnostic(original, diag.line, diag.column, diag.severity, diag.code, diag.message)


def _show(cmd: Sequence[str]) -> str:
    """The command without the file list, which runs to tens of kilobytes on a real corpus."""
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
