"""The one interface every checker module implements, and the data that crosses it."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from ..model import Diagnostic, RunKey


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
    # A YAML item's mypy config (its file and its `mypy_config`): a checker that reads mypy's configs
    # (zuban) follows it instead of the engine's strict settings, as mypy does for that item.
    mypy_config: Path | None = None
    # A YAML item's `# type: ignore` hides under every checker what it hides under mypy (pytest-mypy-plugins'
    # suites use them). The `.py` cases forbid them, so there an ignore comment must never hide an error.
    ignore_comments: bool = False


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


class Report:
    """A checker's standard output, read from the file it was written to as its parser needs it.

    On a large corpus a report is tens of megabytes: `chunks()` streams it, so neither its bytes nor its
    text is ever held whole (`text()` does hold it; for line-based reports and error messages). Odd bytes
    read as U+FFFD either way: a checker's output must not become a traceback.
    """

    CHUNK = 1 << 20

    def __init__(self, source: IO[bytes] | str) -> None:
        self._source = source

    def text(self) -> str:
        if isinstance(self._source, str):
            return self._source
        self._source.seek(0)
        return self._source.read().decode("utf-8", errors="replace")

    def chunks(self, size: int = CHUNK) -> Iterator[str]:
        """The report's text in order, about `size` characters at a time (a character is never split)."""
        if isinstance(self._source, str):
            yield self._source
            return
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._source.seek(0)
        while block := self._source.read(size):
            yield decoder.decode(block)
        yield decoder.decode(b"", final=True)

    def head(self, length: int = 200) -> str:
        """The start of the report, for an error message."""
        return next(self.chunks(length * 4), "")[:length]


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
    def reports_version(self) -> bool:
        """Whether its report names its version; if not, `--version` is asked while it runs."""
        ...

    @property
    def keeps_cache(self) -> bool:
        """Whether it keeps a cache between runs that trusts file stats; its cache is then per target state."""
        ...

    @property
    def cost(self) -> int:
        """Its rank by run time on the corpus with its cache in place, slowest 0: the longest runs start
        first, not queued last (a cache not built yet goes before any: engine/run.start_order)."""
        ...

    @property
    def unsupported(self) -> Mapping[str, Unsupported]:
        """Targets this checker cannot handle, with the reason; the engine proves each still fails."""
        ...

    @property
    def bare_reveal_codes(self) -> frozenset[str]:
        """Codes it reports for a `reveal_type` that is not imported, as YAML cases write it (mypy's habit)."""
        ...

    def revealed(self, diag: Diagnostic) -> str | None:
        """The type a `reveal_type` diagnostic shows, as this checker spells it; None for any other diagnostic."""
        ...

    def inputs(self, env: Mapping[str, str]) -> tuple[Path, ...]:
        """Files outside the checker's installation that it runs from, for the reuse key."""
        ...

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        """The command line; it may write an engine-owned config file into `spec.workdir`."""
        ...

    def parse(self, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        """Turn the raw output into diagnostics; raise EngineError on anything unexpected."""
        ...
