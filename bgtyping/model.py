"""Plain data shared by every part of the engine."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "note"]
# Target Python versions the engine runs checkers for; a case's `-py3XX` suffix must name one.
PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


class EngineError(Exception):
    """A fault that must fail the whole run: bad input, a missing or broken checker."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One diagnostic, normalised: 1-based line and column, resolved absolute path."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def render(self, checker: str, root: Path | None = None) -> str:
        path = Path(self.path)
        if root is not None and path.is_relative_to(root):
            path = path.relative_to(root)
        return f"{path}:{self.line} - {checker}: {self.code or '-'} {self.message}"


@dataclass(frozen=True)
class LineSpec:
    """What one case line claims: the error kinds it must raise and the divergences that apply."""

    kinds: frozenset[str] = frozenset()
    explicit: Mapping[str, frozenset[str]] = field(default_factory=lambda: dict[str, frozenset[str]]())
    divergences: tuple[str, ...] = ()

    @property
    def must_fail(self) -> bool:
        return bool(self.kinds or self.explicit)


@dataclass(frozen=True)
class Case:
    """One `.py` case file."""

    id: str
    path: Path
    group: str
    claim: str
    min_python: tuple[int, int] | None
    lines: Mapping[int, LineSpec]
    static_only: str | None = None
    # The exact bytes that were parsed; the checkers read a staged copy of these, never the file again.
    data: bytes = field(default=b"", repr=False, compare=False)

    def applies_to(self, python_version: str) -> bool:
        if self.min_python is None:
            return True
        major, minor = (int(p) for p in python_version.split(".")[:2])
        return (major, minor) >= self.min_python


@dataclass(frozen=True)
class Divergence:
    """A checker that is known to disagree with the runtime truth on the lines that name it."""

    id: str
    reason: str
    issue: str
    reports: Mapping[str, frozenset[str]]
    targets: frozenset[str]


@dataclass(frozen=True)
class Target:
    """A checked environment: `stubs` has our stubs installed, `inline` does not."""

    name: str
    python: Path


@dataclass(frozen=True)
class RunKey:
    checker: str
    target: str
    python_version: str

    def __str__(self) -> str:
        return f"{self.checker}-{self.target}-py{self.python_version}"


@dataclass(frozen=True)
class RunResult:
    """Everything one batched checker run produced, already parsed."""

    key: RunKey
    version: str
    command: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    analyzed: frozenset[str] | int | None
    seconds: float


class Outcome(enum.Enum):
    PASS = "pass"
    DIVERGENT = "divergent"
    FAIL = "fail"
    SKIP = "skip"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Verdict:
    case: str
    key: RunKey
    outcome: Outcome
    problems: tuple[str, ...] = ()
    divergences: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
