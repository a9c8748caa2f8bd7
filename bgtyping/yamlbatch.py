"""bgtyping yaml: pytest-mypy-plugins YAML test files under mypy, with pytest-mypy-plugins' verdicts, in batches.

    bgtyping yaml PATH... [--mypy-ini-file FILE | --mypy-pyproject-toml-file FILE] [options]

PATH is a file or a folder (searched recursively); files named test-*.yml, test_*.yml (or .yaml)
are collected, as pytest-mypy-plugins collects them. Every case and parametrization is one item,
named `file::case[params]` like pytest's node id. mypy is the one on PATH, as pytest-mypy-plugins
runs it. Items share mypy runs where that cannot change their verdict; an item that fails in a
batch is run again alone, exactly as pytest-mypy-plugins would run it, and that verdict counts.

Exit status: 0 every item that was not skipped passed (and at least one ran); 1 an item failed, or
every item was skipped; 2 bad input (nothing collected, a malformed file or case), nothing run;
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import escape
from .corpus.yamlfile import collect, load_files
from .engine import yamlrun
from .model import EngineError


def build_parser() -> argparse.ArgumentParser:
    parser = escape.ArgumentParser(
        prog="bgtyping yaml", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="YAML test files or folders")
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
        "--rootdir",
        type=Path,
        default=None,
        help="pytest's rootdir: node ids are relative to it, and mypy's MYPYPATH includes it (default: .)",
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
        rootdir=(args.rootdir or Path.cwd()).absolute(),
        workdir=(args.workdir or Path(tempfile.gettempdir()) / "bgtyping-yaml").absolute(),
        batch=not args.no_batch,
        timeout=args.timeout,
        duplicates=args.allow_duplicate_case_ids,
    )


def prepare(paths: Sequence[Path], options: yamlrun.Options) -> list[yamlrun.Item]:
    """Collect, read and plan every item; all bad input is raised here, before mypy runs."""
    cases = load_files(collect(paths), closed=options.closed_schema, duplicates=options.duplicates)
    found = yamlrun.items(cases, options.rootdir)
    for item in found:
        yamlrun.evaluate_skip(item)
        if options.extension_hook and not item.skipped:
            yamlrun.apply_hook(options.extension_hook, item, options, _HookConfig(options))
        item.solo_reason = yamlrun.solo_reason(item, options)
    return found


class _HookConfig:
    """What a hook may ask of pytest's config outside pytest: `option` (the options) and `rootpath`."""

    def __init__(self, options: yamlrun.Options) -> None:
        self.option = options
        self.rootpath = options.rootdir


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        options = options_from(args)
        found = prepare(args.paths, options)
    except EngineError as exc:
        print(escape.line(f"error: {exc}"), file=sys.stderr)
        return 2
    ran = [i for i in found if not i.skipped]
    files = len({i.case.path for i in found})
    print(f"collected {len(found)} items from {files} files ({len(found) - len(ran)} skipped)", file=sys.stderr)
    try:
        yamlrun.run_items(found, options, progress=lambda text: print(text, file=sys.stderr))
    except EngineError as exc:
        print(escape.line(f"error: {exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: no verdict", file=sys.stderr)
        return 130
    failed = [i for i in ran if i.problems or not i.judged]
    for item in found:
        if item.problems:
            print(escape.line(f"FAILED {item.nodeid}"))
            print("\n".join(f"  {escape.line(p)}" for p in item.problems))
        elif args.verbose:
            print(escape.line(f"{'SKIPPED' if item.skipped else 'PASSED'} {item.nodeid}"))
    seconds = time.perf_counter() - started
    print(f"{len(ran) - len(failed)} passed, {len(failed)} failed, {len(found) - len(ran)} skipped in {seconds:.2f}s")
    if not ran:
        print("error: every item was skipped: nothing was checked", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
