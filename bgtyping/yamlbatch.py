"""bgtyping yaml: pytest-mypy-plugins YAML test files under mypy, with pytest-mypy-plugins' verdicts, in batches,
and under the other checkers line by line.

    bgtyping yaml PATH... [--checker NAME]... [--mypy-ini-file FILE | --mypy-pyproject-toml-file FILE] [options]

PATH is a file or a folder (searched recursively); files named test-*.yml, test_*.yml (or .yaml)
are collected, as pytest-mypy-plugins collects them. Every case and parametrization is one item,
named `file::case[params]` like pytest's node id. mypy is the one on PATH, as pytest-mypy-plugins
runs it. Items share mypy runs where that cannot change their verdict; an item that fails in a
batch is run again alone, exactly as pytest-mypy-plugins would run it, and that verdict counts.

Under any other checker (`--checker pyright`, ...) an item's expected output is read as claims about
lines: an expected error must be an error there (of the kind the mypy code in brackets names, where
it names one), a line without one must get none, and `Revealed type is "T"` must match what the
checker reveals, both read into one spelling. What cannot be compared fails, unless the case says
so with `bgtyping: {not-comparable: {CHECKER: reason}}`; such cells are counted by reason. A
`# diverge: ID` beside a line names a known divergence of --divergences FILE.

Exit status: 0 every item that was not skipped passed under every checker named (and at least one
cell was judged); 1 an item failed, a run was broken, or nothing was judged; 2 bad input (nothing
collected, a malformed file or case), nothing run; 130 interrupted.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from . import escape
from .corpus.divergences import load_divergences
from .corpus.yamlfile import collect, load_files
from .engine import yamlcheck, yamlrun
from .engine.stage import locked
from .model import CHECKER_NAMES, TARGET_FINGERPRINTS, EngineError


def build_parser() -> argparse.ArgumentParser:
    parser = escape.ArgumentParser(
        prog="bgtyping yaml", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="YAML test files or folders")
    parser.add_argument(
        "--checker",
        action="append",
        metavar="NAME",
        help=f"judge under this checker (repeat, or NAME,NAME; default: mypy); one of {', '.join(CHECKER_NAMES)}, "
        "or `all`",
    )
    parser.add_argument(
        "--divergences",
        type=Path,
        default=None,
        metavar="FILE",
        help="a divergence registry (divergences.toml) that `# diverge: ID` comments on YAML lines name",
    )
    parser.add_argument(
        "--target",
        default=None,
        metavar="NAME",
        help="the target the environment is, for divergences recorded for some targets only (default: any)",
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=None,
        metavar="PATH",
        help="the interpreter whose packages checkers other than mypy read (default: the one running bgtyping)",
    )
    parser.add_argument(
        "--python-version",
        default=None,
        metavar="X.Y",
        help="the Python version checkers other than mypy check for (default: that interpreter's)",
    )
    config = parser.add_mutually_exclusive_group()
    config.add_argument("--mypy-ini-file", type=Path, metavar="FILE", help="the base mypy config, an ini file")
    config.add_argument(
        "--mypy-pyproject-toml-file", type=Path, metavar="FILE", help="the base mypy config, a pyproject.toml"
    )
    parser.add_argument(
        "--mypy-extension-hook",
        metavar="MODULE.FUNCTION",
        help="a function called with each item before it runs, as pytest-mypy-plugins calls it (importable here)",
    )
    parser.add_argument(
        "--mypy-modify-pythonpath",
        action="store_true",
        help="put the item's folder (and a case's PYTHONPATH) on mypy's PYTHONPATH",
    )
    parser.add_argument(
        "--mypy-no-silence-site-packages", action="store_true", help="mypy reports errors in site-packages too"
    )
    parser.add_argument(
        "--mypy-closed-schema", action="store_true", help="refuse keys pytest-mypy-plugins' schema does not define"
    )
    parser.add_argument(
        "--mypy-testing-base",
        type=Path,
        default=None,
        metavar="DIR",
        help="pytest-mypy-plugins' testing base, as given to it (default: the temp dir): mypy prints a file "
        "outside an item's folder relative to a folder just below it; bgtyping's own folders are --workdir",
    )
    parser.add_argument(
        "--rootdir",
        type=Path,
        default=None,
        help="pytest's rootdir: node ids are relative to it, and mypy's MYPYPATH includes it (default: the one "
        "pytest finds for the same PATHs, from the folder of its config file, minding -c and --rootdir in "
        "PYTEST_ADDOPTS; . where pytest is not installed)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"item folders and mypy's caches (default: {Path(tempfile.gettempdir()) / 'bgtyping-yaml'})",
    )
    parser.add_argument(
        "--allow-duplicate-case-ids",
        action="store_true",
        help="run a case name that a file defines twice both times, under one id, as pytest-mypy-plugins does "
        "(default: refused, since their verdicts cannot be told apart)",
    )
    parser.add_argument(
        "--no-batch", action="store_true", help="run every item alone, as pytest-mypy-plugins does (slow, exact)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every item's verdict, not only failures")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="per mypy run (default: 600)")
    return parser


def options_from(args: argparse.Namespace) -> yamlrun.Options:
    for flag, value in (
        ("--mypy-ini-file", args.mypy_ini_file),
        ("--mypy-pyproject-toml-file", args.mypy_pyproject_toml_file),
    ):
        if value is not None and not value.is_file():
            raise EngineError(f"{flag} {value}: no such file")
    return yamlrun.Options(
        ini_file=args.mypy_ini_file.absolute() if args.mypy_ini_file else None,
        pyproject_file=args.mypy_pyproject_toml_file.absolute() if args.mypy_pyproject_toml_file else None,
        extension_hook=args.mypy_extension_hook,
        modify_pythonpath=args.mypy_modify_pythonpath,
        no_silence_site_packages=args.mypy_no_silence_site_packages,
        closed_schema=args.mypy_closed_schema,
        rootdir=(args.rootdir or pytest_rootdir(args.paths)).absolute(),
        workdir=(args.workdir or Path(tempfile.gettempdir()) / "bgtyping-yaml").absolute(),
        testing_base=(args.mypy_testing_base or Path(tempfile.gettempdir())).absolute(),
        batch=not args.no_batch,
        timeout=args.timeout,
        duplicates=args.allow_duplicate_case_ids,
        base_names_main=yamlrun.names_main(args.mypy_ini_file or args.mypy_pyproject_toml_file),
    )


def pytest_rootdir(paths: Sequence[Path]) -> Path:
    """The rootdir pytest would find for these arguments run from here: pytest-mypy-plugins puts it on
    MYPYPATH and names items relative to it, so it decides verdicts (a module beside pytest's config file).

    Found by the installed pytest itself, as its rules changed over versions; the working folder where
    pytest is not installed. Where pytest cannot find one (its config is broken), nothing is run."""
    try:
        import inspect

        from _pytest.config.findpaths import determine_setup
    except ImportError:
        return Path.cwd()
    inifile, rootdir = _addopts_setup()
    given: dict[str, object] = {
        "inifile": inifile, "override_ini": None, "args": [str(p) for p in paths], "rootdir_cmd_arg": rootdir,
        "invocation_dir": Path.cwd(),
    }  # fmt: skip
    setup = cast("Callable[..., tuple[object, ...]]", determine_setup)  # its parameters differ between versions
    accepted = inspect.signature(setup).parameters
    missing = [n for n, p in accepted.items() if p.default is inspect.Parameter.empty and n not in given]
    if missing:
        raise EngineError(f"cannot ask this pytest for its rootdir (it wants {missing}): pass --rootdir")
    try:
        found = setup(**{n: v for n, v in given.items() if n in accepted})
    except Exception as exc:  # pytest would stop here too (a broken config file)
        raise EngineError(f"pytest cannot determine its rootdir: {exc} (pass --rootdir)") from None
    return Path(str(found[0]))


def _addopts_setup() -> tuple[str | None, str | None]:
    """`-c FILE` and `--rootdir DIR` as pytest reads them from PYTEST_ADDOPTS, before it looks for its rootdir
    (a CI may set them there); pytest's own addopts in its config are read only after."""
    import shlex

    try:
        words = shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))
    except ValueError as exc:
        raise EngineError(f"PYTEST_ADDOPTS cannot be read as pytest reads it: {exc}") from None
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("-c", "--config-file", "--inifile", dest="inifile")
    parser.add_argument("--rootdir")
    try:
        known, _ = parser.parse_known_args(words)
    except argparse.ArgumentError as exc:
        raise EngineError(f"PYTEST_ADDOPTS: {exc}") from None
    return cast("str | None", known.inifile), cast("str | None", known.rootdir)


def prepare(
    paths: Sequence[Path], options: yamlrun.Options, target: str | None = None
) -> tuple[list[yamlrun.Item], list[Path]]:
    """Collect, read and plan every item; all bad input is raised here, before mypy runs. Also the files
    that hold no case (empty, comments only, `[]`): pytest-mypy-plugins collects nothing from them.

    With a `target`, an item whose `bgtyping: targets:` key names others is skipped."""
    files = collect(paths)
    cases = load_files(files, closed=options.closed_schema, duplicates=options.duplicates)
    found = yamlrun.items(cases, options.rootdir)
    holding = {c.path for c in cases}
    for item in found:
        yamlrun.evaluate_skip(item)
        if target is not None and item.case.targets and target not in item.case.targets:
            item.skipped = True
        if options.extension_hook and not item.skipped:
            yamlrun.apply_hook(options.extension_hook, item, options, _HookConfig(options))
        item.solo_reason = yamlrun.solo_reason(item, options)
    return found, [f for f in files if f not in holding]


class _HookConfig:
    """What a hook may ask of pytest's config outside pytest: `option` (the options) and `rootpath`."""

    def __init__(self, options: yamlrun.Options) -> None:
        self.option = options
        self.rootpath = options.rootdir


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        names = yamlcheck.checkers_from(args.checker)
        options = options_from(args)
        if "mypy" in names:
            options = dataclasses.replace(options, mypy=yamlrun.find_mypy())
        python = (args.python or Path(sys.executable)).absolute()
        if not python.is_file():
            raise EngineError(f"--python {args.python}: no such interpreter")
        version = args.python_version or ("{}.{}".format(*sys.version_info) if args.python is None else None)
        if version is None:
            version = _version_of(python)
        found, caseless = prepare(args.paths, options, args.target)
        if args.target is not None and args.target not in TARGET_FINGERPRINTS:
            raise EngineError(f"--target {args.target}: unknown; known: {', '.join(TARGET_FINGERPRINTS)}")
        if args.python_version is not None and not re.fullmatch(r"3\.\d{1,2}", args.python_version):
            raise EngineError(f"--python-version {args.python_version}: give it as 3.X")
        if args.divergences and not args.divergences.is_file():
            raise EngineError(f"--divergences {args.divergences}: no such file")
        divergences = load_divergences(args.divergences) if args.divergences else {}
        if any(n != "mypy" for n in names):  # mypy's verdict is exact: no divergence applies to it
            yamlcheck.check_divergences(found, divergences)
    except EngineError as exc:
        print(escape.line(f"error: {exc}"), file=sys.stderr)
        return 2
    ran = [i for i in found if not i.skipped]
    files = len({i.case.path for i in found})
    print(f"collected {len(found)} items from {files} files ({len(found) - len(ran)} skipped)", file=sys.stderr)

    def say(text: str) -> None:
        print(text, file=sys.stderr)

    cells: dict[str, list[yamlcheck.Cell]] = {}
    try:
        live = [i for i in ran if not i.problems]  # an item its hook broke has its verdict already
        # One process per workdir: two runs would write each other's item folders and mypy caches.
        with locked(options.workdir, say):
            if "mypy" in names:
                yamlrun.run_items(found, options, progress=say)
            for name in (n for n in names if n != "mypy"):
                cells[name] = yamlcheck.run_checker(live, name, options, python, version, say, divergences, args.target)
    except EngineError as exc:
        print(escape.line(f"error: {exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: no verdict", file=sys.stderr)
        return 130
    failed = 0
    judged = 0
    lines: list[str] = []
    if "mypy" in names:
        bad = [i for i in ran if i.problems or not i.judged]
        failed += len(bad)
        judged += len(ran) - len(bad)
        lines.append(f"mypy: {len(ran) - len(bad)} passed, {len(bad)} failed")
        for item in found:
            if item.problems:
                print(escape.line(f"FAILED {item.nodeid}" + (" [mypy]" if len(names) > 1 else "")))
                print("\n".join(f"  {escape.line(p)}" for p in item.problems))
            elif args.verbose:
                word = "SKIPPED" if item.skipped else "PASSED"
                print(escape.line(f"{word} {item.nodeid}" + (" [mypy]" if len(names) > 1 else "")))
    broken = [i for i in ran if i.problems and i not in live]
    for name, judged_cells in cells.items():
        counts = Counter(c.outcome for c in judged_cells)
        bad_cells = counts[yamlcheck.FAIL] + len(broken)
        failed += bad_cells
        judged += counts[yamlcheck.PASS]
        reasons = Counter(c.reason for c in judged_cells if c.outcome == yamlcheck.NOT_COMPARABLE)
        text = f"{name}: {counts[yamlcheck.PASS]} passed, {bad_cells} failed"
        if reasons:
            text += f", {sum(reasons.values())} not comparable"
        lines.append(text)
        lines.extend(f"  not comparable, {n}x: {reason}" for reason, n in sorted(reasons.items()))
        for cell in judged_cells:
            if cell.outcome == yamlcheck.FAIL:
                print(escape.line(f"FAILED {cell.item.nodeid} [{name}]"))
                print("\n".join(f"  {escape.line(str(p))}" for p in cell.problems))
            elif args.verbose:
                word = "PASSED" if cell.outcome == yamlcheck.PASS else "NOT COMPARABLE"
                print(escape.line(f"{word} {cell.item.nodeid} [{name}]"))
    seconds = time.perf_counter() - started
    if len(names) > 1 or cells:
        print("\n".join(escape.line(line) for line in lines))
    skipped = len(found) - len(ran)
    print(f"{judged} passed, {failed} failed, {skipped} skipped in {seconds:.2f}s")
    for path in caseless:  # every other item is judged as pytest-mypy-plugins judges it; the run still fails
        print(escape.line(f"error: {path}: holds no case, so nothing in it is checked; remove it or add a case"),
              file=sys.stderr)  # fmt: skip
    if caseless:
        return 1
    if not judged and not failed:
        print("error: nothing was judged (every item skipped or not comparable): nothing was checked", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _version_of(python: Path) -> str:
    import subprocess

    try:
        done = subprocess.run(
            [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineError(f"--python {python}: cannot ask it for its version: {exc}") from None
    return done.stdout.strip()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
