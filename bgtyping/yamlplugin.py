"""pytest plugin: pytest-mypy-plugins YAML files as pytest items, judged in batches (the drop-in).

Installed with the engine (entry point `pytest11`), it collects what pytest-mypy-plugins collects,
under the same node ids (`file::case[params]`), with the same options, and gives each item the verdict
`bgtyping yaml` gives it (bgtyping/engine/yamlrun.py). The items pytest keeps after `-k`, `-m` or
`--deselect` run together, in batches, before the first of them reports. It stays off while
pytest-mypy-plugins itself is installed: one collector per file.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import escape
from .corpus.yamlfile import is_yaml_test_file, load_files
from .engine import yamlrun
from .model import EngineError

_STATE = pytest.StashKey["_Batch"]()


@functools.cache
def _pytest_mypy_plugins_installed() -> bool:
    return any(ep.name == "pytest-mypy-plugins" for ep in importlib.metadata.entry_points(group="pytest11"))


class _Batch:
    def __init__(self, options: yamlrun.Options) -> None:
        self.options = options
        self.done = False


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
        options = dataclasses.replace(options, workdir=Path(str(base)).absolute() / "bgtyping-yaml")
    config.stash[_STATE] = _Batch(options)


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
            yield YamlItem.from_parent(self, name=item.name, item=item)  # pyright: ignore[reportUnknownMemberType]


class _Failed(Exception):
    pass


class YamlItem(pytest.Item):
    def __init__(self, *, item: yamlrun.Item, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent forwards these
        self.item = item
        for mark in item.case.marks:
            self.add_marker(mark)

    def runtest(self) -> None:
        batch = self.config.stash[_STATE]
        if not batch.done:
            # Every item pytest kept, in one planned run: batches where they cannot change a verdict.
            batch.done = True
            kept = [i.item for i in self.session.items if isinstance(i, YamlItem)]
            try:
                for each in kept:
                    if batch.options.extension_hook:
                        yamlrun.apply_hook(batch.options.extension_hook, each, batch.options, self.config)
                    each.solo_reason = yamlrun.solo_reason(each, batch.options)
                yamlrun.run_items(kept, batch.options)
            except EngineError as exc:
                for each in kept:
                    each.problems = each.problems or [f"no verdict: {exc}"]
        if self.item.problems or not self.item.judged:
            raise _Failed("\n".join(escape.line(p) for p in self.item.problems or ["no verdict was reached"]))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, _Failed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.item.case.line - 1, self.name
