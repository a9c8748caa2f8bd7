"""mypy: JSON output (`-O json`); `-v` says which files it analysed or found fresh in its cache.

The files come from `@mypy-files.txt` (argparse's `fromfile_prefix_chars`: one argument a line), not argv.

A report (`--linecount-report`) would prove coverage too, but reports make mypy skip its cache.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import cast

from ..model import PLUGIN_CODES, Diagnostic, Severity
from ..paths import MYPY_PLUGIN
from .common import Defaults, listable, listed, not_its_output, resolver, write_config
from .protocol import Parsed, Report, RunSpec

_CALL = frozenset({"call-arg"})
SEVERITY: Mapping[str, Severity] = {"error": "error", "warning": "warning", "note": "note"}

CODES: Mapping[str, frozenset[str]] = {
    "arg-type": frozenset({"arg-type"}),
    "missing-arg": _CALL,
    "too-many-pos": _CALL,
    "unknown-kw": _CALL,
    "dup-arg": frozenset({"misc"}),
    "kw-only-as-pos": _CALL,
    "pos-only-as-kw": _CALL,
    "not-callable": frozenset({"arg-type"}),
    "func-collision": frozenset({"misc", "call-arg", "arg-type"}),
    "self-collision": frozenset({"misc"}),
    "assert-type": frozenset({"assert-type"}),
    "assignment": frozenset({"assignment"}),
    "attr": frozenset({"attr-defined"}),
    "import-name": frozenset({"attr-defined"}),
    "await": frozenset({"misc"}),
    **PLUGIN_CODES,
}


# The engine's own plugin (README: "A mypy plugin for tasks that never run"), loaded by path so that a
# mypy installed anywhere finds it.
PLUGIN = MYPY_PLUGIN


class Mypy(Defaults):
    """`plugin=None` runs mypy without bgtyping.mypy_plugin (the collateral check compares both); the mutation
    test passes a mutated copy of it."""

    name = "mypy"
    family = "mypy"
    executable = "mypy"
    reports_version = True
    codes = CODES
    import_codes = frozenset({"import-not-found", "import-untyped", "import"})
    keeps_cache = True
    cost = 2

    def __init__(self, plugin: Path | None = PLUGIN) -> None:
        self.plugin = plugin

    def inputs(self, env: Mapping[str, str]) -> tuple[Path, ...]:
        return (self.plugin,) if self.plugin else ()

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        # An explicit config: mypy then reads no mypy.ini, setup.cfg or pyproject.toml of the caller's.
        plugins = f"plugins = {self.plugin}\n" if self.plugin else ""
        config = write_config(spec, "mypy.ini", "[mypy]\n" + plugins)
        # mypy trusts size+mtime for installed modules, so an edit that restores both would be served from
        # its cache: one cache per state of the target environment, and only the current one is kept.
        cache = spec.workdir / f"cache-{spec.environment_tag}"
        for old in spec.workdir.glob("cache-*"):
            if old != cache:
                shutil.rmtree(old, ignore_errors=True)
        # One argument a line, each an absolute path (never an `@` or `-`): exactly what argv carried.
        files = listed(spec, "mypy-files.txt", listable(spec))
        return [
            exe,
            "--config-file", str(config),
            "--strict",
            "--python-executable", str(spec.python),
            "--python-version", spec.python_version,
            "--cache-dir", str(cache),
            "--verbose",
            "--output", "json",
            "--no-error-summary",
            "--show-traceback",
            f"@{files}",
        ]  # fmt: skip

    def parse(self, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        version = _VERSION.search(stderr)
        return Parsed(
            parse_json_lines(self.name, stdout.text(), spec.workdir, spec.origin),
            analysed_files(stderr, spec.workdir, spec.origin),
            f"mypy {version.group(1)}" if version else None,
        )


def parse_json_lines(checker: str, stdout: str, root: Path, staged: Collection[str] = ()) -> tuple[Diagnostic, ...]:
    """mypy's `-O json` prints one JSON object per line."""
    found: list[Diagnostic] = []
    resolve = resolver(root, staged)
    for number, raw in enumerate(stdout.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = cast(dict[str, object], json.loads(raw))
            found.append(
                Diagnostic(
                    path=resolve(str(item["file"])),
                    line=int(cast(int, item["line"])),
                    column=int(cast(int, item["column"])) + 1,
                    severity=SEVERITY[str(item["severity"])],
                    code=str(item.get("code") or ""),
                    message=str(item["message"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise not_its_output(checker, raw, exc, f" (stdout line {number})") from exc
    return tuple(found)


# A file mypy read, found fresh in its cache, or found unchanged after its mtime moved (`touch`).
_ANALYSED = re.compile(
    r"^LOG:  (?:Parsing (?P<parsed>.+) \([^()]+\)"
    r"|Metadata fresh for [^\s:]+: file (?P<fresh>.+)"
    r"|Updating mtime for [^\s:]+: file (?P<touched>.+), meta \S+, mtime \d+)$",
    re.M,
)
_VERSION = re.compile(r"^LOG:  Mypy Version: +(\S+)", re.M)


def analysed_files(log: str, root: Path, staged: Collection[str] = ()) -> frozenset[str]:
    """The source files mypy parsed or found fresh in its cache, as resolved paths."""
    found = {m["parsed"] or m["fresh"] or m["touched"] for m in _ANALYSED.finditer(log)}
    return frozenset(map(resolver(root, staged), found))
