"""pytest plugin: pytest-mypy-plugins YAML files as pytest items, judged in batches (the drop-in).

Installed with the engine (entry point `pytest11`), it collects what pytest-mypy-plugins collects,
under the same node ids (`file::case[params]`), with the same options, and gives each item the verdict
`bgtyping yaml` gives it (bgtyping/engine/yamlrun.py). The items pytest keeps after `-k`, `-m` or
`--deselect` run together, in batches, before the first of them reports. It stays off while
pytest-mypy-plugins itself is installed: one collector per file.

`--bgtyping-checker pyright` (as `bgtyping yaml --checker`) adds, for every case, one item per other
checker, `file::case[params][pyright]`, with the line-by-line verdict of bgtyping/engine/yamlcheck.py;
a case its `bgtyping: not-comparable:` key names is skipped under that checker, with the case's reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.metadata
import re
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import escape
from .corpus.divergences import load_divergences
from .corpus.yamlfile import is_yaml_test_file, load_files
from .engine import yamlcheck, yamlrun
from .engine.stage import locked
from .model import CHECKER_NAMES, Divergence, EngineError

_STATE = pytest.StashKey["_Batch"]()
_NOT_COMPARABLE = "not-comparable"


@functools.cache
def _pytest_mypy_plugins_installed() -> bool:
    return any(ep.name == "pytest-mypy-plugins" for ep in importlib.metadata.entry_points(group="pytest11"))


class _Batch:
    def __init__(self, options: yamlrun.Options, checkers: list[str], divergences: dict[str, Divergence]) -> None:
        self.options = options
        self.checkers = checkers
        self.divergences = divergences
        self.python = Path(sys.executable)  # the packages every checker reads: those of the environment pytest runs in
        self.python_version = "{}.{}".format(*sys.version_info)
        self.cells: dict[tuple[str, int], yamlcheck.Cell] = {}  # (checker, id of the item) -> its verdict
        self.broken: dict[str, str] = {}  # checker -> why its run gave no verdicts
        self.done = False
        # Reports of YAML items' calls, counted where the session's exit status is made (under xdist,
        # the controller, which runs no item itself): a cell checked, a cell not comparable.
        self.checked = 0
        self.not_comparable = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        said = getattr(report, "bgtyping_yaml", None)
        if said == "checked" and report.passed:
            self.checked += 1
        elif said == _NOT_COMPARABLE and report.skipped:
            self.not_comparable += 1


def pytest_addoption(parser: pytest.Parser) -> None:
    if _pytest_mypy_plugins_installed():
        return
    group = parser.getgroup("mypy-tests", "pytest-mypy-plugins YAML files, judged by bgtyping")
    group.addoption("--mypy-ini-file", help="the base mypy config, an ini file")
    group.addoption("--mypy-pyproject-toml-file", help="the base mypy config, a pyproject.toml")
    group.addoption("--mypy-extension-hook", help="MODULE.FUNCTION called with each item before it runs")
    group.addoption("--mypy-modify-pythonpath", action="store_true", help="the item's folder on PYTHONPATH")
    group.addoption("--mypy-no-silence-site-packages", action="store_true", help="errors in site-packages too")
    group.addoption("--mypy-closed-schema", action="store_true", help="refuse keys the schema does not define")
    group.addoption("--mypy-testing-base", help="where item folders and mypy's caches go (default: the temp dir)")
    group.addoption("--mypy-no-batch", action="store_true", help="run every item alone (slow, exact)")
    group.addoption(
        "--mypy-allow-duplicate-case-ids",
        action="store_true",
        help="run a case name defined twice in a file both times",
    )
    group.addoption(
        "--bgtyping-checker",
        action="append",
        metavar="NAME",
        help=f"judge every case under this checker too (repeat, or NAME,NAME; default: mypy); one of "
        f"{', '.join(CHECKER_NAMES)}, or `all`. Each other checker's items are `case[...][NAME]`",
    )
    group.addoption(
        "--bgtyping-divergences",
        metavar="FILE",
        help="a divergence registry (divergences.toml) that `# diverge: ID` comments on YAML lines name",
    )
    group.addoption(
        "--bgtyping-python-version",
        metavar="X.Y",
        help="the Python version checkers other than mypy check for (default: the one running pytest)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if _pytest_mypy_plugins_installed():
        return
    ini, toml = config.getoption("--mypy-ini-file"), config.getoption("--mypy-pyproject-toml-file")
    if ini and toml:
        raise pytest.UsageError("--mypy-ini-file and --mypy-pyproject-toml-file: give one of them")
    for flag, value in (("--mypy-ini-file", ini), ("--mypy-pyproject-toml-file", toml)):
        if value and not Path(str(value)).is_file():
            raise pytest.UsageError(f"{flag} {value}: no such file")
    base = config.getoption("--mypy-testing-base")
    options = yamlrun.Options(
        ini_file=Path(str(ini)).absolute() if ini else None,
        pyproject_file=Path(str(toml)).absolute() if toml else None,
        extension_hook=str(hook) if (hook := config.getoption("--mypy-extension-hook")) else None,
        modify_pythonpath=bool(config.getoption("--mypy-modify-pythonpath")),
        no_silence_site_packages=bool(config.getoption("--mypy-no-silence-site-packages")),
        closed_schema=bool(config.getoption("--mypy-closed-schema")),
        rootdir=Path(config.rootpath),
        batch=not config.getoption("--mypy-no-batch"),
        duplicates=bool(config.getoption("--mypy-allow-duplicate-case-ids")),
        base_names_main=yamlrun.names_main(Path(str(ini or toml)) if ini or toml else None),
    )
    if base:
        where = Path(str(base)).absolute()
        options = dataclasses.replace(options, workdir=where / "bgtyping-yaml", testing_base=where)
    registry = config.getoption("--bgtyping-divergences")
    try:
        checkers = yamlcheck.checkers_from(config.getoption("--bgtyping-checker"), "--bgtyping-checker")
        if registry and not Path(str(registry)).is_file():
            raise EngineError(f"--bgtyping-divergences {registry}: no such file")
        divergences = dict(load_divergences(Path(str(registry)))) if registry else {}
    except EngineError as exc:
        raise pytest.UsageError(escape.line(str(exc))) from None
    batch = _Batch(options, checkers, divergences)
    if version := config.getoption("--bgtyping-python-version"):
        if not re.fullmatch(r"3\.\d{1,2}", str(version)):
            raise pytest.UsageError(f"--bgtyping-python-version {version}: give it as 3.X")
        batch.python_version = str(version)
    config.stash[_STATE] = batch
    config.pluginmanager.register(batch, "bgtyping-yaml-cells")  # its report hook counts the cells


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A YAML item's call report says what its cell was (an extra attribute, which xdist sends on)."""
    report: pytest.TestReport = yield
    if isinstance(item, YamlItem) and call.when == "call" and item.said is not None:
        report.bgtyping_yaml = item.said  # type: ignore[attr-defined]  # pytest reports take extra attributes
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A session whose YAML cells were all not comparable (or skipped) is not a passing run, as in
    `bgtyping yaml`: nothing was checked. Counted from the items' reports, so that a mark's skip is
    no checked cell and, under xdist, the controller counts what its workers ran."""
    batch = session.config.stash.get(_STATE, None)
    if batch is not None and exitstatus == 0 and batch.not_comparable and not batch.checked:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write("\n")  # after the progress dots
            reporter.write_line("error: every YAML item was not comparable under its checker: nothing was checked")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _pytest_mypy_plugins_installed() or not is_yaml_test_file(file_path):
        return None
    if parent.config.pluginmanager.has_plugin("bgtyping.plugin"):
        from . import plugin

        if plugin.owns(parent.config, file_path):  # the corpus plugin judges its own YAML under every checker
            return None
    return YamlFile.from_parent(parent, path=file_path)  # pyright: ignore[reportUnknownMemberType]


class YamlFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        batch = self.config.stash[_STATE]
        try:
            cases = load_files([self.path], closed=batch.options.closed_schema, duplicates=batch.options.duplicates)
            found = yamlrun.items(cases, batch.options.rootdir)
            for item in found:
                yamlrun.evaluate_skip(item)
        except EngineError as exc:
            raise self.CollectError(escape.line(str(exc))) from None
        for item in found:
            if item.skipped:
                continue  # pytest-mypy-plugins yields no item for a skipped case
            for checker in batch.checkers:
                name = item.name if checker == "mypy" else f"{item.name}[{checker}]"
                yield YamlItem.from_parent(self, name=name, item=item, checker=checker)  # pyright: ignore[reportUnknownMemberType]


class _Failed(Exception):
    pass


class YamlItem(pytest.Item):
    def __init__(self, *, item: yamlrun.Item, checker: str = "mypy", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent forwards these
        self.item = item
        self.checker = checker
        self.said: str | None = None  # what its cell was, once run: "checked" or not comparable
        for mark in item.case.marks:
            self.add_marker(mark)

    def runtest(self) -> None:
        batch = self.config.stash[_STATE]
        if not batch.done:
            # Every item pytest kept, in one planned run: batches where they cannot change a verdict.
            batch.done = True
            _run_kept([i for i in self.session.items if isinstance(i, YamlItem)], batch)
        if self.checker == "mypy":
            if self.item.problems or not self.item.judged:
                raise _Failed("\n".join(escape.line(p) for p in self.item.problems or ["no verdict was reached"]))
            self.said = "checked"
            return
        cell = batch.cells.get((self.checker, id(self.item)))
        if cell is None:  # its hook broke it, or the whole run did
            reasons = [batch.broken[self.checker]] if self.checker in batch.broken else self.item.problems
            raise _Failed("\n".join(escape.line(p) for p in reasons or ["no verdict was reached"]))
        if cell.outcome == yamlcheck.NOT_COMPARABLE:
            self.said = _NOT_COMPARABLE
            # Reported at the case's own line, as a skip mark's is (pytest's keyword since 7.0).
            raise pytest.skip.Exception(f"not comparable under {self.checker}: {cell.reason}", _use_item_location=True)
        if cell.outcome != yamlcheck.PASS:
            raise _Failed("\n".join(escape.line(str(p)) for p in cell.problems) or "failed")
        self.said = "checked"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, _Failed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.item.case.line - 1, self.name


def _say(config: pytest.Config, text: str) -> None:
    """To the terminal while a test runs: pytest captures the test's stderr, even its file descriptor."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print(text, file=sys.stderr, flush=True)


def _run_kept(kept: list[YamlItem], batch: _Batch) -> None:
    """mypy over the cases it keeps, then each other checker over its own; a broken run fails its items."""
    options = batch.options
    by_checker: dict[str, dict[int, yamlrun.Item]] = {}
    for node in kept:
        by_checker.setdefault(node.checker, {})[id(node.item)] = node.item
    items = list({k: i for chosen in by_checker.values() for k, i in chosen.items()}.values())
    try:
        for each in items:
            if options.extension_hook:
                yamlrun.apply_hook(options.extension_hook, each, options, kept[0].config)
            each.solo_reason = yamlrun.solo_reason(each, options)
        if any(name != "mypy" for name in by_checker):
            yamlcheck.check_divergences(items, batch.divergences)
    except EngineError as exc:
        for each in items:
            each.problems = each.problems or [f"no verdict: {exc}"]
        return
    hooked = {id(i) for i in items if i.problems}  # broken by its hook, before any checker ran: no verdict anywhere
    # One process per workdir: two runs would write each other's item folders and mypy caches.
    with locked(options.workdir, functools.partial(_say, kept[0].config)):
        for name, chosen in by_checker.items():
            try:
                if name == "mypy":
                    yamlrun.run_items(list(chosen.values()), options)
                    continue
                live = [i for k, i in chosen.items() if k not in hooked]
                for cell in yamlcheck.run_checker(
                    live, name, options, batch.python, batch.python_version, None, batch.divergences
                ):
                    batch.cells[(name, id(cell.item))] = cell
            except EngineError as exc:
                if name == "mypy":
                    for each in chosen.values():
                        each.problems = each.problems or [f"no verdict: {exc}"]
                batch.broken[name] = f"no verdict under {name}: {exc}"
