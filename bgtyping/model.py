"""The engine's one vocabulary and its plain data: every name below is defined here and imported elsewhere.

Standard library only: `bgtyping.mypy_plugin` reads its error codes from here even when mypy loads it
by path, and the noxfile reads the checker, target and version names without installing anything.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "note"]

# -- names --------------------------------------------------------------------------------------

# The checkers the engine knows, in the order outputs list them; checkers/ has one module per name.
CHECKER_NAMES = ("mypy", "pyright", "basedpyright", "pyrefly", "ty", "zuban")
# Target Python versions the engine runs checkers for; a case's `-py3XX` suffix must name one.
PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
# Every target name, and which fingerprint its run must show: `oldest` is the stubs over the oldest release.
TARGET_FINGERPRINTS: Mapping[str, str] = {"stubs": "stubs", "inline": "inline", "oldest": "stubs"}
# The targets of the main job's matrix, in the order RESULTS.md shows them in a cell.
MATRIX_TARGETS = ("stubs", "inline")
# Our stub distributions, by the package each one types.
STUB_DISTRIBUTIONS: Mapping[str, str] = {
    "starlette": "types-starlette-background",
    "fastapi": "types-fastapi-background",
}
# What the corpus checks: the runtime packages a target must have.
RUNTIME_PACKAGES = ("starlette", "fastapi")

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
    # name a divergence that says they report nothing (their codes are the plugin's own).
    "task-generator": "a generator function as the task: starlette never iterates it, so its body never runs",
    "task-unawaited": "a sync task that returns an awaitable: starlette never awaits it",
}

# The error codes of bgtyping.mypy_plugin, by the kind each one reports.
PLUGIN_CODE_GENERATOR = "bg-task-generator"
PLUGIN_CODE_UNAWAITED = "bg-task-unawaited"
PLUGIN_CODES: Mapping[str, frozenset[str]] = {
    "task-generator": frozenset({PLUGIN_CODE_GENERATOR}),
    "task-unawaited": frozenset({PLUGIN_CODE_UNAWAITED}),
}


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
    # "py", or "yaml": one item of a pytest-mypy-plugins file (its `path`, `data` the whole file), judged
    # apart from the `.py` runs; `targets` then names the only targets it is for (empty: all).
    kind: str = "py"
    targets: frozenset[str] = frozenset()
    # A YAML item's `main` as written, and the file line its first line is on (0: `main` is not a block).
    main: str = field(default="", repr=False, compare=False)
    main_line: int = 0

    def applies_on(self, target: str) -> bool:
        return not self.targets or target in self.targets

    def applies_to(self, python_version: str) -> bool:
        if self.min_python is None:
            return True
        major, minor = (int(p) for p in python_version.split(".")[:2])
        return (major, minor) >= self.min_python


# Whose behaviour a recorded divergence describes: a checker's (a checker bug) or the target's own inline
# typing (e.g. upstream's attributes leaking its ParamSpec). When a target's divergence stops reproducing,
# the library improved; when a checker's does, the checker (or, at the pinned checker version, the target)
# changed.
DIVERGENCE_OWNERS = ("checker", "target")


@dataclass(frozen=True)
class Divergence:
    """A checker that is known to disagree with the runtime truth on the lines that name it."""

    id: str
    reason: str
    issue: str
    reports: Mapping[str, frozenset[str]]
    targets: frozenset[str]
    owner: str = "checker"  # one of DIVERGENCE_OWNERS


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


# A run that cannot be trusted gives every cell this verdict in a results file; it is not a case's Outcome.
BROKEN = "broken"


@dataclass(frozen=True)
class VerdictWord:
    """How one verdict of a results file reads in each output."""

    verdict: str  # in results files
    label: str  # in RESULTS.md and the HTML page
    mark: str  # one character in the terminal matrix
    meaning: str  # the terminal legend
    symbol: str  # one character on the HTML page, beside the verdict's colour, so it reads without colour


# In the column order of every table.
VERDICT_WORDS: Mapping[str, VerdictWord] = {
    w.verdict: w
    for w in (
        VerdictWord(Outcome.PASS.value, "pass", ".", "passed", "✓"),
        VerdictWord(Outcome.DIVERGENT.value, "known", "k", "passed, as a recorded divergence predicts", "k"),
        VerdictWord(Outcome.FAIL.value, "FAIL", "F", "failed", "F"),
        VerdictWord(BROKEN, "BROKEN", "B", "broken run", "B"),
        VerdictWord(Outcome.SKIP.value, "skip", "s", "skipped (case needs a newer Python)", "s"),
        VerdictWord(Outcome.UNSUPPORTED.value, "n/a", "-", "unsupported combination", "-"),
    )
}
# Which verdict a summary over several cells shows: the first of these that occurs.
WORST_FIRST = (BROKEN, Outcome.FAIL.value, Outcome.DIVERGENT.value, Outcome.PASS.value, Outcome.SKIP.value,
               Outcome.UNSUPPORTED.value)  # fmt: skip


# What a failed line shows, so outputs can group failures by what broke.
BREAKS: Mapping[str, str] = {
    "accepted": "a line that must be rejected is accepted (no error)",
    "rejected": "a line that must be accepted gets an error",
    "changed": "a line gets other errors than it claims",
    "stale": "a recorded checker divergence no longer reproduces",
    "improved": "a recorded divergence of the target's typing no longer reproduces (strict divergences)",
    "idle": "a recorded divergence changes nothing on its line",
}


@dataclass(frozen=True)
class Problem:
    """One claim a run did not meet, as data; every output formats it for its own sink."""

    path: str  # the case file, relative to the corpus root's parent where it lies below it
    line: int
    checker: str
    message: str  # may hold anything a checker printed: outputs escape it
    broke: str = "changed"  # a key of BREAKS

    def __str__(self) -> str:
        return f"{self.path}:{self.line} - {self.checker}: {self.message}"


@dataclass(frozen=True)
class Verdict:
    case: str
    key: RunKey
    outcome: Outcome
    problems: tuple[Problem, ...] = ()
    divergences: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    # (divergence id, line): a target-typing divergence whose line now shows the truth; not a failure
    # unless the plan is strict about divergences.
    improved: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class YamlCase:
    """One pytest-mypy-plugins case of a YAML file, its keys as written (templates not yet rendered)."""

    id: str
    path: Path
    line: int  # of its `main:` key, as pytest-mypy-plugins counts
    main: str
    out: tuple[str, ...]
    files: Mapping[str, str]
    mypy_config: str | None
    parametrized: tuple[Mapping[str, object], ...] = ()
    regex: bool = False
    expect_fail: bool = False
    skip: str = "False"  # evaluated when the case is run, as pytest-mypy-plugins does
    env: tuple[str, ...] = ()
    disable_cache: bool = False
    marks: tuple[str, ...] = ()
    file_list: tuple[tuple[str, str], ...] = ()  # `files` in order (a later path may repeat an earlier one)
    raw: Mapping[str, object] = field(default_factory=lambda: dict[str, object](), compare=False)  # for hooks
    out_text: str = ""  # `out` as written: rendered per parametrization
    # Checkers (not mypy) under which the case cannot be judged line by line, with the case's reason.
    not_comparable: Mapping[str, str] = field(default_factory=lambda: dict[str, str]())
    targets: tuple[str, ...] = ()  # the only matrix targets its expected output is written for (empty: all)


@dataclass(frozen=True)
class Corpus:
    root: Path
    cases: tuple[Case, ...]  # the `.py` cases
    divergences: Mapping[str, Divergence]
    yaml_cases: tuple[YamlCase, ...] = ()
    # One entry per YAML item (case x parametrization), as the outputs list it beside the `.py` cases.
    yaml_entries: tuple[Case, ...] = ()

    @property
    def every_case(self) -> tuple[Case, ...]:
        """What every output lists: the `.py` cases, then the YAML items."""
        return (*self.cases, *self.yaml_entries)


@dataclass(frozen=True)
class Plan:
    """What one engine run checks: every (checker, target, Python version) over the whole corpus."""

    corpus: Corpus
    checkers: tuple[str, ...]
    targets: tuple[Target, ...]
    python_versions: tuple[str, ...]
    workroot: Path
    timeout: float = 600.0
    reuse: bool = False
    # A recorded divergence that no longer reproduces fails whoever's behaviour it describes (our own CI);
    # otherwise a target's improvement is a notice.
    strict_divergences: bool = False

    def __post_init__(self) -> None:
        check_options(self.checkers, self.targets, self.python_versions, self.timeout)

    def run_keys(self) -> list[RunKey]:
        return [RunKey(c, t.name, v) for t in self.targets for v in self.python_versions for c in self.checkers]


@dataclass
class RunOutcome:
    """One batched run: its result, or the one reason it cannot be trusted, and every verdict."""

    key: RunKey
    result: RunResult | None = None
    error: str | None = None
    unsupported: str | None = None
    reused: bool = False
    verdicts: dict[str, Verdict] = field(default_factory=dict[str, Verdict])


def check_options(
    checkers: tuple[str, ...], targets: tuple[Target, ...], python_versions: tuple[str, ...], timeout: float
) -> None:
    """What a plan may name, checked before anything runs (the targets' interpreters among it)."""
    for name in checkers:
        if name not in CHECKER_NAMES:
            raise EngineError(f"unknown checker {name!r}; known: {', '.join(CHECKER_NAMES)}")
    for version in python_versions:
        if version not in PYTHON_VERSIONS:
            raise EngineError(f"unsupported Python version {version!r}; use one of {', '.join(PYTHON_VERSIONS)}")
    names = [t.name for t in targets]
    for target in targets:
        if target.name not in TARGET_FINGERPRINTS:
            raise EngineError(f"unknown target {target.name!r}; use one of {', '.join(TARGET_FINGERPRINTS)}")
        if names.count(target.name) > 1:
            raise EngineError(f"target {target.name!r} is named twice; give each target once")
        if not target.python.is_file():
            raise EngineError(f"target {target.name}: no interpreter at {target.python}")
    for what, values in (("checker", checkers), ("Python version", python_versions)):
        if len(set(values)) != len(values):
            raise EngineError(f"a {what} is named twice: {', '.join(values)}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise EngineError(f"--timeout must be a positive number of seconds, not {timeout}")
    if not (checkers and targets and python_versions):
        raise EngineError("nothing to run: name at least one checker, target and Python version")
