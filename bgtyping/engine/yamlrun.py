"""Run pytest-mypy-plugins YAML items under mypy with pytest-mypy-plugins' verdicts, most of them in batches.

An item is a case with one parametrization. Its verdict is defined by how pytest-mypy-plugins 4.1.0
runs it alone (`solo`): its files written into a fresh folder, mypy started there with only the
case's environment (plus MYPYPATH), the merged config and the same flags, the output compared
line by line. That is slow, so items that can share a mypy run go into batches: each item's
`main` becomes `<prefix>NNNN/main.py`, its other files sit at the batch root, and the prefix is
taken out of the output again. A batch can only differ from a solo run by what the prefix leaks, so
an item that does not match in its batch is run alone, and the solo verdict is the one reported.
Items whose run the batch cannot reproduce (their own environment, no cache, files outside the
folder, a file that replaces `main`, a relative import, `__name__`/`__file__`) are run alone from
the start.
"""

from __future__ import annotations

import configparser
import contextlib
import hashlib
import importlib
import io
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from types import CodeType
from typing import Any

from ..corpus.yamlfile import jinja, param_suffix
from ..host.forkserver import ForkPool
from ..host.procs import Processes, TimedOut
from ..model import EngineError, YamlCase

_COMMENT = re.compile(r"^([ENW])(?P<regex>[R])?:((?P<col>\d+):)? (?P<message>.*)$")
_OUT = re.compile(r"^(?P<fname>.+):(?P<lnum>\d+): (?P<severity>[A-Za-z]+):((?P<col>\d+):)? (?P<message>.*)$")
_SEVERITY = {"E": "error", "N": "note", "W": "warning"}
_PREFIX = "bgtyping_v"  # a batch item's package: `bgtyping_v0007.main`; unlikely in any message of its own
# What makes a run depend on where `main` lies: relative imports, the module's own name or file, `main` imported.
_SOLO_SOURCE = re.compile(
    r"^\s*from\s+\.|\b__(?:name|file|package|spec|path)__\b|\bimport\s+main\b|\bfrom\s+main\b", re.M
)
_FLAGS = ("--show-traceback", "--no-error-summary", "--no-pretty", "--hide-error-context")


@dataclass(frozen=True)
class Options:
    """pytest-mypy-plugins' command-line options that change a verdict, and where runs happen."""

    ini_file: Path | None = None
    pyproject_file: Path | None = None
    extension_hook: str | None = None
    modify_pythonpath: bool = False
    no_silence_site_packages: bool = False
    closed_schema: bool = False
    rootdir: Path = field(default_factory=Path.cwd)  # pytest's rootdir: MYPYPATH includes it
    workdir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "bgtyping-yaml")
    # pytest-mypy-plugins' --mypy-testing-base: its run folders lie one level below it, and mypy prints a file
    # outside the run folder relative to that (`../project/module`).
    testing_base: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    batch: bool = True
    fork: bool = True  # runs from a warm mypy fork server where that is the same as a fresh process
    duplicates: bool = False  # a case name twice in one file: both run (pytest-mypy-plugins' behaviour)
    timeout: float = 600.0
    jobs: int = os.cpu_count() or 2
    mypy: str = ""  # the `mypy` on PATH (pytest-mypy-plugins runs that one), found once
    base_names_main: bool = False  # the base config has a `[mypy-main]` section or names "main"
    # Appended to every mypy command: the main job points mypy at a target (--python-executable, version).
    mypy_flags: tuple[str, ...] = ()


@dataclass
class File:
    """A file of an item; an extension hook may change `content` (it gets pytest-mypy-plugins' shape)."""

    path: str
    content: str


@dataclass
class Matcher:
    fname: str
    lnum: int
    severity: str
    message: str
    regex: bool
    col: str | None = None

    def __str__(self) -> str:
        where = f"{self.fname}:{self.lnum}" + (f":{self.col}" if self.col is not None else "")
        return f"{where}: {self.severity}: {self.message}"

    def matches(self, actual: str) -> bool:
        if not self.regex:
            return str(self) == actual
        import regex  # pytest-mypy-plugins matches with `regex`; loaded only for a regex claim (60 ms)

        where = f"{self.fname}:{self.lnum}" + (f":{self.col}" if self.col is not None else "")
        return bool(regex.match(regex.escape(f"{where}: {self.severity}: ") + self.message, actual))


@dataclass
class Item:
    """One pytest-mypy-plugins test item: `path::case[params]`."""

    nodeid: str
    case: YamlCase
    params: Mapping[str, object]
    files: list[File]
    expected_output: list[Matcher]
    additional_mypy_config: str
    environment_variables: dict[str, str]
    disable_cache: bool
    expect_fail: bool
    skipped: bool = False
    solo_reason: str | None = None  # why it cannot share a batch
    problems: list[str] = field(default_factory=list[str])  # empty: it passed
    actual: list[str] = field(default_factory=list[str])  # mypy's output as pytest-mypy-plugins reads it
    ran_alone: bool = False
    # What an extension hook may read or change, as on pytest-mypy-plugins' item: the mypy cache this item
    # uses (a hook may give a settings combination its own), and the pytest config (None outside pytest).
    incremental_cache_dir: str = ""
    config: Any = None
    # The rest of what pytest-mypy-plugins' item carries for a hook (set before the hook is called).
    starting_lineno: int = 0
    same_process: bool = False
    modify_pythonpath: bool = False
    no_silence_site_packages: bool = False
    root_directory: str = ""
    base_ini_fpath: str | None = None
    base_pyproject_toml_fpath: str | None = None
    judged: bool = False  # a verdict was reached; an item without one never counts as passed

    @property
    def name(self) -> str:
        return self.nodeid.rpartition("::")[2]

    @property
    def parsed_test_data(self) -> Mapping[str, object]:
        return self.case.raw

    @property
    def path(self) -> Path:
        """The YAML file, as pytest's `Item.path`."""
        return self.case.path


# -- collection ---------------------------------------------------------------------------------


def render(template: str, params: Mapping[str, object]) -> str:
    if "{{" not in template:
        return template
    return jinja().from_string(template).render({k: "None" if v is None else v for k, v in params.items()})


def items(cases: Sequence[YamlCase], rootdir: Path) -> list[Item]:
    """Every item, in file order, with pytest-mypy-plugins' node ids and expected output."""
    found: list[Item] = []
    for case in cases:
        for params in case.parametrized or ({},):
            suffix = param_suffix(params)
            files = [File("main.py", render(case.main, params)), *(File(p, c) for p, c in case.file_list)]
            expected = [m for f in files for m in _from_comments(f.path, f.content, case.regex)]
            expected += _from_out(render(case.out_text, params), case.regex)
            nodeid = f"{_relative(case.path, rootdir)}::{case.id}{suffix}"
            env = {name: value for name, _, value in (e.partition("=") for e in case.env)}
            found.append(
                Item(nodeid, case, params, files, expected, render(case.mypy_config or "", params), env,
                     case.disable_cache, case.expect_fail)
            )  # fmt: skip
    return found


def _relative(path: Path, rootdir: Path) -> str:
    try:
        return path.resolve().relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _from_comments(path: str, text: str, regex_all: bool) -> list[Matcher]:
    fname = path.removesuffix(".py")
    found: list[Matcher] = []
    for index, line in enumerate(text.split("\n")):
        for comment in line.split(" # ")[1:]:
            if m := _COMMENT.search(comment.strip()):
                found.append(
                    Matcher(fname, index + 1, _SEVERITY[m[1]], m["message"], regex_all or bool(m["regex"]), m["col"])
                )
    return found


def _from_out(out: str, regex_all: bool) -> list[Matcher]:
    found: list[Matcher] = []
    for line in out.split("\n"):
        if m := _OUT.search(line.strip()):
            severity = _SEVERITY.get(m["severity"], m["severity"])
            found.append(Matcher(m["fname"], int(m["lnum"]), severity, m["message"], regex_all, m["col"]))
    return found


def evaluate_skip(item: Item) -> None:
    """`skip` is Python, evaluated with sys, os, pytest and platform, as pytest-mypy-plugins does."""
    item.skipped = skips(item.case)


def skips(case: YamlCase) -> bool:
    """What a case's `skip:` expression says now (it may read anything: files, the clock, the environment)."""
    names: dict[str, object] = {"sys": sys, "os": os, "platform": platform}
    try:
        code = compile(case.skip, "<skip>", "eval")
        if "pytest" in _names(code):  # importing pytest costs 0.15 s; only an expression naming it needs it
            try:
                import pytest  # not a dependency of the engine: an expression that uses it needs it installed

                names["pytest"] = pytest
            except ImportError:
                pass
        return bool(eval(code, names))
    except Exception as exc:  # a broken expression is the case's error, reported where it is
        raise EngineError(
            f"case {case.id!r}: `skip: {case.skip}` cannot be evaluated: {type(exc).__name__}: {exc}",
            path=case.path,
            line=case.line,
        ) from None


def _names(code: CodeType) -> set[str]:
    """Every global name an expression's code refers to, its lambdas and comprehensions included."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found |= _names(const)
    return found


def apply_hook(hook: str, item: Item, options: Options, config: Any = None) -> None:
    """The extension hook gets the item, as pytest-mypy-plugins' `YamlTestItem` shape (files, config, ...)."""
    item.incremental_cache_dir = str(options.workdir / "cache")
    item.config = config
    item.starting_lineno = item.case.line
    item.modify_pythonpath = options.modify_pythonpath
    item.no_silence_site_packages = options.no_silence_site_packages
    item.root_directory = str(options.testing_base)
    item.base_ini_fpath = os.path.abspath(options.ini_file) if options.ini_file else None
    item.base_pyproject_toml_fpath = os.path.abspath(options.pyproject_file) if options.pyproject_file else None
    module_name, _, func_name = hook.rpartition(".")
    try:
        function: Callable[[Any], object] = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise EngineError(f"--mypy-extension-hook {hook}: cannot be imported: {exc}") from None
    try:
        function(item)
    except Exception as exc:  # the hook's own failure is the item's failure, as under pytest
        item.problems = [f"the extension hook {hook} raised {type(exc).__name__}: {exc}"]


# -- running ------------------------------------------------------------------------------------


def merged_config(item: Item, options: Options, folder: Path) -> Path | None:
    """The config file pytest-mypy-plugins writes into the item's folder, or None when it writes none."""
    if options.pyproject_file is not None:
        import tomlkit

        document = tomlkit.parse(options.pyproject_file.read_text(encoding="utf-8"))
        tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
        mypy = tool.setdefault("mypy", tomlkit.table())  # pyright: ignore[reportUnknownMemberType]
        extra = item.additional_mypy_config
        if extra:
            import textwrap

            text = extra if "[tool.mypy]" in extra else f"[tool.mypy]\n{textwrap.dedent(extra)}"
            mypy.update(tomlkit.parse(text)["tool"]["mypy"].value.items())  # pyright: ignore
        out = tomlkit.document()
        table = tomlkit.table(is_super_table=True)
        out.append("tool", table)
        table.append("mypy", mypy)
        path = folder / "pyproject.toml"
        path.write_text(out.as_string(), encoding="utf-8")
        return path
    if options.ini_file is None and not item.additional_mypy_config:
        return None
    parser = configparser.ConfigParser()
    if options.ini_file is not None:
        parser.read(options.ini_file)
    if item.additional_mypy_config:
        extra = item.additional_mypy_config
        parser.read_string(extra if "[mypy]" in extra else f"[mypy]\n{extra}")
    if not parser.sections():
        return None
    buffer = io.StringIO()
    parser.write(buffer)
    path = folder / "mypy.ini"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _environment(item: Item, options: Options, execution: Path) -> dict[str, str]:
    """Only the case's variables, MYPYPATH (and PYTHONPATH): pytest-mypy-plugins passes nothing else."""
    env = dict(item.environment_variables)
    rootdir = str(options.rootdir)

    def absolute(value: str) -> str:
        value = os.path.expandvars(value)
        return value if os.path.isabs(value) else str(options.rootdir / value)

    if options.modify_pythonpath:
        parts = [p for p in (os.environ.get("PYTHONPATH"), str(execution)) if p]
        if own := item.environment_variables.get("PYTHONPATH"):
            parts += [absolute(own), own]
        env["PYTHONPATH"] = ":".join(parts)
    mypy_parts = [p for p in (os.environ.get("MYPYPATH"),) if p]
    if own := item.environment_variables.get("MYPYPATH"):
        mypy_parts += [absolute(own), own]
    mypy_parts.append(rootdir)
    env["MYPYPATH"] = ":".join(mypy_parts)
    if "SYSTEMROOT" in os.environ:
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return env


def find_mypy() -> str:
    found = shutil.which("mypy")
    if found is None:
        raise EngineError("mypy is not installed where this runs (pytest-mypy-plugins runs the `mypy` on PATH)")
    return found


def names_main(base: Path | None) -> bool:
    """Whether a base config speaks of the module `main`, which a batch renames."""
    return base is not None and bool(re.search(r"mypy-main\b|[\"']main[\"']", base.read_text(encoding="utf-8")))


# Every mypy this process starts, so that Ctrl-C kills them all (process groups) and starts no more.
PROCESSES = Processes()


def _run(
    command: list[str], cwd: Path, env: Mapping[str, str], timeout: float, forks: ForkPool | None = None
) -> tuple[int, str]:
    try:
        done = (forks or PROCESSES).run(command, cwd=cwd, env=env, timeout=timeout)
    except TimedOut:
        raise EngineError(f"mypy did not finish within {timeout:g} s (in {cwd})") from None
    except OSError as exc:
        raise EngineError(f"could not start mypy: {exc.strerror or exc}") from None
    return done.returncode, done.stdout + done.stderr


_CACHE_SUFFIXES = (".meta.json", ".data.json", ".err.json", ".meta.ff", ".data.ff", ".err.ff", ".meta_ex.json",
                   ".meta_ex.ff")  # fmt: skip


def forget_modules(cache: Path, paths: Sequence[str]) -> None:
    """Remove the cache entries of these files' modules, as pytest-mypy-plugins does after each item.

    Items reuse module names (`main`, `myapp.models`) with other contents; an entry left behind can be
    taken as fresh by the next item (same size, same second), and its verdict would then depend on
    which item ran before it.
    """
    if not cache.is_dir():
        return
    from mypy.metastore import FilesystemMetadataStore, MetadataStore, SqliteMetadataStore

    entries: list[str] = []
    for path in paths:
        accumulated = ""
        for index, part in enumerate(Path(path).with_suffix("").parts):
            if part in ("", ".", ".."):
                continue
            if index == 0 and part.endswith("-stubs"):
                part = part.removesuffix("-stubs")
            accumulated = f"{accumulated}/{part}" if accumulated else part
            entries.extend(accumulated + suffix for suffix in _CACHE_SUFFIXES)
    for version in (d for d in cache.iterdir() if d.is_dir()):  # every target version mypy wrote
        stores: list[MetadataStore] = []
        shards = sorted(version.glob("cache.*.db"))
        if shards:
            try:
                stores.append(SqliteMetadataStore(str(version), num_shards=len(shards)))
            except TypeError:
                stores.append(SqliteMetadataStore(str(version)))
        elif (version / "cache.db").is_file():
            stores.append(SqliteMetadataStore(str(version)))
        stores.append(FilesystemMetadataStore(str(version)))
        for store in stores:
            try:
                for entry in entries:
                    with contextlib.suppress(FileNotFoundError, KeyError):
                        store.remove(entry)
                store.commit()
            finally:
                close = getattr(store, "close", None)
                if callable(close):
                    close()


def run_solo(item: Item, options: Options, cache: Path | None, forks: ForkPool | None = None) -> None:
    """Exactly as pytest-mypy-plugins runs one item; its verdict is the reference. `cache`: the mypy cache
    no other run is using now; None for an item with `disable_cache`."""
    if (
        cache is not None
        and item.incremental_cache_dir
        and item.incremental_cache_dir != str(options.workdir / "cache")
    ):
        # An extension hook chose this item's cache (django-stubs: one per settings combination); it gets
        # the item's cache folder name below it, as no two runs may write one cache at the same time.
        cache = Path(item.incremental_cache_dir) / cache.name
    base = Path(tempfile.mkdtemp(prefix="solo-", dir=options.workdir))
    try:
        execution = base / "run"  # `../extras` of a case lands in `base`, private to this item
        execution.mkdir()
        command = [options.mypy or find_mypy(), *_FLAGS, *options.mypy_flags]
        if options.no_silence_site_packages:
            command.append("--no-silence-site-packages")
        if cache is not None:
            command += ["--cache-dir", str(cache)]
        try:
            config = merged_config(item, options, execution)
        except Exception as exc:  # a config it cannot read fails the item there, before mypy, expect_fail or not
            item.ran_alone = True
            item.problems = [f"the mypy config cannot be merged: {type(exc).__name__}: {exc}"]
            item.judged = True
            return
        if config is not None:
            command.append(f"--config-file={config}")
        command.append(str(execution / "main.py"))
        for file in item.files:
            path = execution / file.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.content, encoding="utf-8")
        # An environment of the item's own is used once: a fresh process costs less than a new worker.
        shared = forks if not item.environment_variables else None
        code, out = _run(command, execution, _environment(item, options, execution), options.timeout, shared)
        item.ran_alone = True
        # As seen from a run folder of pytest-mypy-plugins': a file outside it is printed relative to that.
        theirs = os.path.join(os.path.realpath(options.testing_base), "pytest-mypy-run")
        ran = Path(os.path.realpath(execution))  # mypy's cwd, as it prints paths from it
        item.actual = [_unprefix_path(line, ran, theirs) for line in out.splitlines()]
        item.problems = _verdict(item, code, item.actual)
        item.judged = True
    finally:
        shutil.rmtree(base, ignore_errors=True)
        if cache is not None:
            forget_modules(cache, [f.path for f in item.files])


def _unprefix_path(line: str, root: Path, theirs: str) -> str:
    """pytest-mypy-plugins' reading of a line: the path relative to the run folder, and every `.py:` cut.

    A file outside the run folder (a module beside the rootdir, site-packages) is shown relative to `theirs`,
    a run folder of pytest-mypy-plugins': ours lies deeper, and mypy would print more `..`."""
    if ":" not in line:
        return line
    path, rest = line.split(":", 1)
    # pytest-mypy-plugins computes this with the run folder as its cwd: a relative path is relative to it.
    where = os.path.normpath(os.path.join(root, path))
    inside = where == str(root) or where.startswith(str(root) + os.sep)
    shown = os.path.relpath(where, start=root if inside else theirs)
    return (shown + ":" + rest).strip().replace(".py:", ":")


def _verdict(item: Item, code: int, actual: list[str]) -> list[str]:
    if code == 2:
        return ["mypy stopped with a critical error (exit 2):", *actual[-20:]]
    problems = compare(item.expected_output, actual)
    if item.expect_fail:
        return [] if problems else ["expected a failure (expect_fail), but the output matched"]
    return problems


def compare(expected: Sequence[Matcher], actual_lines: Sequence[str]) -> list[str]:
    """pytest-mypy-plugins' comparison: both sides sorted by file and line, then matched pair by pair."""
    wanted = sorted(expected, key=lambda m: (m.fname, m.lnum))
    got = [re.sub(r"\r$", "", re.sub(" +$", "", a)) for a in sorted((a for a in actual_lines if a), key=_file_line)]
    return [
        f"expected {e if e is not None else '(nothing)'}, got {a if a is not None else '(nothing)'}"
        for e, a in zip_longest(wanted, got)
        if e is None or a is None or not e.matches(a)
    ]


def _file_line(line: str) -> tuple[str, int]:
    parts = line.split(":", 2)
    if len(parts) < 3:
        return "", 0
    try:
        return parts[0], int(parts[1])
    except ValueError:
        return "", 0


def solo_reason(item: Item, options: Options) -> str | None:
    """Why the batch cannot reproduce this item's run, or None when it can."""
    if options.extension_hook:
        return "an extension hook may change anything"
    if options.base_names_main:
        return "the base config names the module main"
    if item.environment_variables:
        return "it sets environment variables"
    if item.disable_cache:
        return "it runs without the cache"
    return depends_on_main(item)


def outside_folder(path: str) -> bool:
    """A `files` path that lands outside the item's folder (`../extras/x.py`, an absolute path)."""
    return path.startswith(("/", "..")) or "/../" in path


def depends_on_main(item: Item) -> str | None:
    """Why the item's run depends on its main being `main.py` beside its other files, or None."""
    for file in item.files[1:]:
        if file.path == "main.py" or outside_folder(file.path):
            return f"its file {file.path} lies outside the run folder or replaces main"
    if any(_SOLO_SOURCE.search(f.content) for f in item.files):
        return "its code depends on where main lies (relative import, __name__, import main)"
    if "main" in item.additional_mypy_config:
        return "its config names the module main"
    return None


def run_batch(
    batch: Sequence[Item], options: Options, folder: Path, cache: Path, forks: ForkPool | None = None
) -> list[Item]:
    """One mypy run for the batch; returns the items that did not match in it (they are run alone next)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    owners: dict[str, list[tuple[Item, str, str]]] = defaultdict(list)
    mains: list[str] = []
    for number, item in enumerate(batch):
        package = f"{_PREFIX}{number:04d}"
        (folder / package).mkdir()
        (folder / package / "main.py").write_text(item.files[0].content, encoding="utf-8")
        owners[f"{package}/main.py"].append((item, "main", package))
        mains.append(f"{package}/main.py")
        for file in item.files[1:]:
            path = folder / file.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.content, encoding="utf-8")
            owners[file.path].append((item, file.path.removesuffix(".py"), package))
    command = [options.mypy or find_mypy(), *_FLAGS, *options.mypy_flags, "--explicit-package-bases"]
    command += ["--cache-dir", str(cache)]
    if options.no_silence_site_packages:
        command.append("--no-silence-site-packages")
    try:
        config = merged_config(batch[0], options, folder)
    except Exception:  # each item is judged alone, where it fails as pytest-mypy-plugins fails it
        for item in batch:
            item.problems = ["batch"]
        return list(batch)
    if config is not None:
        command.append(f"--config-file={config.name}")
    try:
        env = _environment(batch[0], options, folder)
        code, out = _run([*command, *mains], folder, env, options.timeout, forks)
    finally:  # the next batch on this cache has other mains and, maybe, other files of the same names
        forget_modules(cache, [*mains, *(f.path for item in batch for f in item.files[1:])])
    actual: dict[int, list[str]] = defaultdict(list)
    unattributed: list[str] = []
    for raw in out.splitlines():
        printed, sep, rest = raw.partition(":")
        if not sep or printed not in owners:
            unattributed.append(raw)
            continue
        for item, fname, package in owners[printed]:
            text = rest.replace(f"{package}.main", "main").replace(f"{package}_main", "main")
            actual[id(item)].append(f"{fname}:{text}".strip().replace(".py:", ":"))
    mismatched: list[Item] = []
    for item in batch:
        item.actual = actual[id(item)]
        item.problems = _verdict(item, code, item.actual) if not unattributed and code != 2 else ["batch"]
        if item.problems:
            mismatched.append(item)  # judged alone next: only a match in a batch is a verdict
        else:
            item.judged = True
    return mismatched


def _packed(candidates: Sequence[Item]) -> list[list[Item]]:
    """Batches of items with one mypy config and exactly the same other files.

    Same files, not merely compatible ones: an item must see no file another item brought, or an
    import that fails when it runs alone would resolve in the batch and pass.
    """
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[Item]] = defaultdict(list)
    for item in candidates:
        groups[(item.additional_mypy_config, tuple(sorted((f.path, f.content) for f in item.files[1:])))].append(item)
    size = 400  # a batch's argument list stays far below the system's limit
    return [group[i : i + size] for group in groups.values() for i in range(0, len(group), size)]


def run_items(all_items: Sequence[Item], options: Options, progress: Callable[[str], None] | None = None) -> None:
    """Judge every item that is not skipped: in batches where they can share a run, alone where they cannot,
    and alone again where they did not match in their batch."""
    options.workdir.mkdir(parents=True, exist_ok=True)
    live = [i for i in all_items if not i.skipped and not i.problems]  # an item a hook broke has its verdict
    alone = [i for i in live if i.solo_reason is not None or not options.batch]
    batched = [i for i in live if i.solo_reason is None and options.batch]
    caches = options.workdir / "cache"
    previous = threading.local()  # the cache of the config a worker ran last
    lock = threading.Lock()
    finished: dict[str, Path] = {}  # config -> its batches' cache, once no run writes it any more
    idle: dict[str, list[Path]] = defaultdict(list)  # config -> items' caches no run is using
    made: dict[str, int] = defaultdict(int)

    @contextlib.contextmanager
    def item_cache(item: Item) -> Generator[Path]:
        # mypy's cache is not safe for concurrent use: an item alone takes one that no run is using, of its
        # own config (so a rerun finds it warm, whatever worker runs it), and gives it back.
        config = item.additional_mypy_config
        with lock:
            if idle[config]:
                cache = idle[config].pop()
            else:
                cache = caches / f"{_digest(config)}-{made[config]}"
                made[config] += 1
        try:
            if not cache.exists():
                seed_cache(cache, config)
            yield cache
        finally:
            with lock:
                idle[config].append(cache)

    def seed_cache(cache: Path, config: str) -> None:
        # A new cache starts as a copy of one that holds what the run agrees on (the standard library, the
        # installed packages), and that no run writes while it is copied: the config's batches' once they
        # are done, the last one this worker's batches used, any finished one, or else an item's cache that
        # no run is using, held out of the pool for the copy.
        borrowed: tuple[str, Path] | None = None
        with lock:
            seed = finished.get(config) or getattr(previous, "cache", None) or next(iter(finished.values()), None)
            if seed is None:
                other = next((c for c, free in idle.items() if free), None)
                if other is not None:
                    borrowed = (other, idle[other].pop())
                    seed = borrowed[1]
        try:
            if seed is not None and seed.exists():
                copy_cache(seed, cache)
        finally:
            if borrowed is not None:
                with lock:
                    idle[borrowed[0]].append(borrowed[1])

    jobs = _packed(batched)
    by_config: dict[str, list[tuple[int, list[Item]]]] = defaultdict(list)
    for index, batch in enumerate(jobs):
        by_config[batch[0].additional_mypy_config].append((index, batch))

    # A config's batches run one after another on its own cache (a rerun finds it warm; configs sharing one
    # would invalidate each other), each config a task that the next free worker takes; a cache seen for
    # the first time is seeded as an item's is. No two runs write one cache at once.
    groups = sorted(by_config.values(), key=lambda g: (-len(g), -sum(len(b) for _, b in g)))

    def run_group(group: list[tuple[int, list[Item]]]) -> list[Item]:
        mismatched: list[Item] = []
        config = group[0][1][0].additional_mypy_config
        cache = options.workdir / "batch-cache" / _digest(config)
        if not cache.exists():
            seed_cache(cache, config)
        for index, batch in group:
            mismatched += run_batch(batch, options, options.workdir / f"b{index:03d}", cache, forks)
        previous.cache = cache
        with lock:
            finished[config] = cache
        return mismatched

    pool = ThreadPoolExecutor(max_workers=max(1, options.jobs))
    # mypy's start-up, paid once per worker thread and environment rather than once per run.
    forks = ForkPool(PROCESSES, preload=("mypy.main",)) if options.fork else None

    def run_alone(item: Item) -> None:
        if item.disable_cache:
            run_solo(item, options, None, forks)
            return
        with item_cache(item) as cache:
            run_solo(item, options, cache, forks)

    try:
        # Longest first: an item run without the cache checks the standard library from source (0.8 s,
        # where a warm batch takes 0.08 s), so it starts beside the batches, not after them. The other
        # items that must run alone queue behind the batches; those that did not match follow.
        uncached = [pool.submit(run_alone, item) for item in alone if item.disable_cache]
        futures = [pool.submit(run_group, group) for group in groups]
        cached = [pool.submit(run_alone, item) for item in alone if not item.disable_cache]
        retry = [item for future in futures for item in future.result()]
        if progress and jobs:
            progress(f"{len(batched)} items in {len(jobs)} batches; {len(retry)} to confirm alone")
        for future in [*uncached, *cached, *[pool.submit(run_alone, item) for item in retry]]:
            future.result()
    except BaseException:
        PROCESSES.cancel()  # Ctrl-C or a broken run: every mypy is killed, queued items never start
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if forks is not None:
            forks.close()
    pool.shutdown(wait=True)
    for item in live:
        if not item.judged:  # cannot happen by construction; if it does, it is no pass
            item.problems = item.problems or ["no verdict was reached for this item"]


def copy_cache(source: Path, cache: Path) -> None:
    """A copy of a mypy cache, whole or not at all: a copy cut short (a full disk, a kill) would stay, never
    seeded again, and a torn sqlite shard makes mypy crash on every later run. A copy that fails leaves the
    run to build its cache itself."""
    partial = cache.with_name(f".{cache.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        shutil.copytree(source, partial)
        os.replace(partial, cache)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]
