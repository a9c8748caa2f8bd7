"""pytest plugin: one item per case x checker x target x Python version, all fed by one batch.

Enable with `-p bgtyping.plugin` and name the checked environments with
`--typing-target stubs=PYTHON --typing-target inline=PYTHON`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from . import escape
from .corpus import load_corpus
from .engine.run import judged, run_plan
from .engine.targets import parse_targets, preflight
from .host.hermetic import controlled_env, default_workdir
from .host.interpreter import Interpreter
from .model import Case, EngineError, Outcome, Plan, RunKey, RunOutcome
from .paths import CORPUS

_PLAN = pytest.StashKey["Batch"]()


class Batch:
    """Runs the whole plan the first time any item asks, then serves every item from memory."""

    def __init__(self, plan: Plan, interpreters: Mapping[str, Interpreter]) -> None:
        self.plan = plan
        self.interpreters = interpreters
        self.collected: set[Path] = set()  # every corpus file pytest handed to this plugin
        self._lock = threading.Lock()
        self._outcomes: dict[RunKey, RunOutcome] | None = None

    def outcome(self, key: RunKey) -> RunOutcome:
        with self._lock:
            if self._outcomes is None:
                self._outcomes = run_plan(self.plan, self.interpreters)
        return self._outcomes[key]

    @property
    def ran(self) -> bool:
        return self._outcomes is not None

    @property
    def judged(self) -> int:
        return judged(self._outcomes or {})


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("typing", "batched typing-test corpus")
    group.addoption(
        "--typing-target",
        action="append",
        default=[],
        metavar="NAME=PYTHON",
        help="a checked environment: stubs=... and/or inline=...",
    )
    group.addoption(
        "--typing-checker",
        action="append",
        default=[],
        metavar="NAME",
        help="checker to run (repeatable; default mypy and pyright)",
    )
    group.addoption(
        "--typing-python",
        action="append",
        default=[],
        metavar="X.Y",
        help="target Python version (repeatable; default 3.11)",
    )
    group.addoption("--typing-timeout", type=float, default=600.0, help="seconds per checker run")
    group.addoption(
        "--typing-workdir", default=None, help="checker caches, configs and staged cases (default: the user cache)"
    )
    group.addoption("--typing-corpus", default=str(CORPUS), help="folder with cases/ and divergences.toml")
    group.addoption(
        "--typing-strict-divergences",
        action="store_true",
        default=False,
        help="a recorded divergence of the target's typing that no longer reproduces fails (the corpus's own CI)",
    )


def pytest_configure(config: pytest.Config) -> None:
    targets = config.getoption("--typing-target")
    if not targets:
        raise pytest.UsageError("the typing plugin needs at least one --typing-target NAME=PYTHON")
    try:
        corpus = load_corpus(Path(str(config.getoption("--typing-corpus"))).resolve())
        workdir = config.getoption("--typing-workdir")
        plan = Plan(
            corpus=corpus,
            checkers=tuple(config.getoption("--typing-checker") or ("mypy", "pyright")),
            targets=parse_targets(targets),
            python_versions=tuple(config.getoption("--typing-python") or ("3.11",)),
            workroot=(Path(str(workdir)) if workdir else default_workdir()).resolve(),
            timeout=float(str(config.getoption("--typing-timeout"))),
            strict_divergences=bool(config.getoption("--typing-strict-divergences")),
        )
        interpreters = preflight(plan.targets, plan.workroot, controlled_env(plan.workroot))
    except EngineError as exc:
        raise pytest.UsageError(escape.line(str(exc))) from exc
    config.stash[_PLAN] = Batch(plan, interpreters)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every case x run is an item after selection, or the run stops: nothing of the corpus goes unjudged.

    pytest skips `build/`, `venv/` and dot folders silently, a path argument can name part of the corpus,
    and `-k`/`--deselect` drop items; name fewer checkers, targets or versions with the plugin's options.
    """
    batch = session.config.stash[_PLAN]
    present = {
        (i.case.id if isinstance(i, CaseItem) else "run", i.key) for i in session.items if isinstance(i, _BatchItem)
    }
    keys = batch.plan.run_keys()
    wanted = {(c.id, k) for c in batch.plan.corpus.every_case for k in keys} | {("run", k) for k in keys}
    missing = sorted(wanted - present, key=str)
    if missing:
        shown = ", ".join(f"{case}[{key}]" for case, key in missing[:5])
        raise pytest.UsageError(
            f"{len(missing)} of {len(wanted)} corpus items were not collected or were deselected, so they would go "
            f"unjudged: {shown}{' ...' if len(missing) > 5 else ''}. Pass the whole cases folder and "
            "divergences.toml to pytest (it does not recurse into build/, venv/ or dot folders), and choose "
            "checkers, targets and Python versions with --typing-checker/--typing-target/--typing-python, not -k."
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Like the CLI: a session in which no cell was judged (all skipped or unsupported) is no pass."""
    batch = session.config.stash.get(_PLAN, None)
    if batch is None or exitstatus != 0 or not batch.ran:
        return
    if batch.judged == 0:
        session.config.get_terminal_writer().line("error: nothing was judged: every cell was skipped or unsupported")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    batch = parent.config.stash[_PLAN]
    if file_path.resolve() == batch.plan.corpus.root / "divergences.toml":
        batch.collected.add(file_path.resolve())
        return RunsFile.from_parent(  # pyright: ignore[reportUnknownMemberType]  # pytest types **kw loosely
            parent, path=file_path
        )
    # A `.py` case is one file; a YAML file holds several items, each collected under its own name.
    cases = tuple(c for c in batch.plan.corpus.every_case if c.path == file_path.resolve())
    if cases:
        batch.collected.add(cases[0].path)
        return CaseFile.from_parent(  # pyright: ignore[reportUnknownMemberType]  # pytest types **kw loosely
            parent, path=file_path, cases=cases
        )
    return None


def owns(config: pytest.Config, path: Path) -> bool:
    """Whether this plugin collects `path` (the YAML drop-in then leaves it alone)."""
    batch = config.stash.get(_PLAN, None)
    return batch is not None and any(c.path == path.resolve() for c in batch.plan.corpus.yaml_entries)


class CaseFailure(Exception):
    pass


class _BatchItem(pytest.Item):
    """An item that reads one run of the shared batch."""

    def __init__(self, *, key: RunKey, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent forwards these
        self.key = key

    def outcome(self) -> RunOutcome:
        return self.config.stash[_PLAN].outcome(self.key)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


class CaseFile(pytest.File):
    def __init__(self, *, cases: tuple[Case, ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cases = cases

    def collect(self) -> Iterator[pytest.Item]:
        for case in self.cases:
            for key in self.config.stash[_PLAN].plan.run_keys():
                name = f"{case.id.partition('::')[2]}[{key}]" if case.kind == "yaml" else str(key)
                yield CaseItem.from_parent(  # pyright: ignore[reportUnknownMemberType]  # pytest types **kw loosely
                    self, name=name, key=key, case=case
                )


class CaseItem(_BatchItem):
    def __init__(self, *, case: Case, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.case = case

    def runtest(self) -> None:
        outcome = self.outcome()
        if outcome.error is not None:
            raise CaseFailure(
                escape.lines(f"{self.key}: the checker run failed, so no verdict is trusted:\n{outcome.error}")
            )
        verdict = outcome.verdicts[self.case.id]
        if verdict.outcome is Outcome.UNSUPPORTED:
            if outcome.unsupported is None:  # a YAML item its own key says cannot be compared here
                pytest.skip(f"not comparable under {self.key.checker}, as the case says")
            pytest.skip(f"{self.key.checker} does not support the {self.key.target} target: {outcome.unsupported}")
        if verdict.outcome is Outcome.SKIP:
            if self.case.kind == "yaml":
                pytest.skip("YAML items run at the first Python version, on the targets they name, unless skipped")
            pytest.skip(f"{self.case.id} needs Python >= {self.case.min_python}")
        if verdict.outcome is Outcome.FAIL:
            raise CaseFailure(
                escape.lines(f"{self.case.claim}\n" + "\n".join(escape.line(str(p)) for p in verdict.problems))
            )

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name if self.case.kind == "yaml" else f"{self.case.id}[{self.key}]"


class RunsFile(pytest.File):
    """Health of each batched run: resolution proven, every file analysed, no crash."""

    def collect(self) -> Iterator[pytest.Item]:
        for key in self.config.stash[_PLAN].plan.run_keys():
            yield RunItem.from_parent(  # pyright: ignore[reportUnknownMemberType]  # pytest types **kw loosely
                self, name=f"run[{key}]", key=key
            )


class RunItem(_BatchItem):
    def runtest(self) -> None:
        outcome = self.outcome()
        if outcome.error is not None:
            raise CaseFailure(escape.lines(outcome.error))
        if outcome.unsupported is not None:
            pytest.xfail(f"unsupported, and shown to still fail: {outcome.unsupported}")

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"run[{self.key}]"
