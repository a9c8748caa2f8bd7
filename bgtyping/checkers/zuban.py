"""zuban: mypy-compatible mode and codes; text output only, so it is parsed line by line.

Its files are its config's `files` (it takes no `@file`). In the engine's own config, a TOML one
(`[tool.mypy]`), they are an array, so no name is split; a YAML item's mypy.ini gets them
comma-separated, and a path with a comma is refused there.

Each entry is a glob, and zuban (0.10.2) treats the two kinds differently: a path without `[`, `*`
or `?` is taken as it stands, wherever it is; one with them (escaped: `[[]`) is expanded only below
the config's own folder, skipping dot folders, `node_modules`, `__pycache__` and `site-packages` on
the way, and found nowhere else ("No Python files found", exit 2). So when a path needs escaping,
the run's folder gets a link, `zuban-files`, to the folder that holds every file (none when the
files are below the run's folder already, as a YAML item's are), and each entry names its file
through it; a file below a folder zuban's expansion skips is then refused before zuban starts.
The staged names of the engine's corpus never need escaping; only a workdir path with one does.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from pathlib import Path

from ..fsutil import atomic_write
from ..model import Diagnostic, EngineError
from .common import Defaults, glob_literal, listable, resolver, toml_strings, write_config
from .mypy import CODES as MYPY_CODES
from .mypy import SEVERITY
from .protocol import Parsed, Report, RunSpec, Unsupported

_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|note|warning): "
    r"(?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
# Folders zuban's pattern expansion skips.
_SKIPPED = re.compile(r"/(?:\.[^/]*|node_modules|__pycache__|site-packages)/")
_SUMMARY = re.compile(r"(?:checked|in) (\d+) source files?\b")

# mypy's codes, except where zuban files the same error under another code.
CODES: Mapping[str, frozenset[str]] = {
    **MYPY_CODES,
    "dup-arg": frozenset({"call-arg"}),
    "self-collision": frozenset({"call-arg"}),
    "assert-type": frozenset({"misc"}),
}


class Zuban(Defaults):
    name = "zuban"
    family = "mypy"
    executable = "zuban"
    codes = CODES
    import_codes = frozenset({"import-not-found", "import-untyped", "import"})
    cost = 3
    unsupported: Mapping[str, Unsupported] = {
        "stubs": Unsupported(
            reason="zuban does not honour partial stub packages: with our stubs installed, "
            "`from fastapi import BackgroundTasks` no longer resolves (https://github.com/zubanls/zuban/issues/354)",
            probe="check_probe_fastapi_reexport",
            code="attr-defined",
            message='Module "fastapi" has no attribute "BackgroundTasks"',
        )
    }

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        files = _entries(spec)
        if spec.mypy_config is not None:
            settings = ["--config-file", str(_with_files(spec, spec.mypy_config, files))]
        else:
            config = write_config(spec, "zuban.toml", f"[tool.mypy]\nfiles = {toml_strings(files)}\n")
            settings = ["--config-file", str(config), "--strict"]
        return [
            exe, "check",
            "--mode", "mypy",
            *settings,
            "--show-column-numbers",
            "--python-executable", str(spec.python),
            "--python-version", spec.python_version,
        ]  # fmt: skip

    def parse(self, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        found: list[Diagnostic] = []
        analyzed: int | None = None
        resolve = resolver(spec.workdir, spec.origin)
        for number, raw in enumerate(stdout.text().splitlines(), 1):
            if match := _LINE.match(raw):
                found.append(
                    Diagnostic(
                        path=resolve(match["path"]),
                        line=int(match["line"]),
                        column=int(match["col"]),
                        severity=SEVERITY[match["sev"]],
                        code=match["code"] or "",
                        message=match["msg"],
                    )
                )
            elif summary := _SUMMARY.search(raw):
                analyzed = int(summary.group(1))
            elif raw.strip():
                raise EngineError(f"zuban printed a line the engine cannot read (stdout line {number}): {raw[:200]!r}")
        return Parsed(tuple(found), analyzed)


_LINK = "zuban-files"


def _entries(spec: RunSpec) -> list[str]:
    """The `files` entries: the paths themselves, or escaped patterns through the run folder's link."""
    files = listable(spec)
    link = spec.workdir / _LINK
    if link.is_symlink():
        link.unlink()
    if all(glob_literal(f) == f for f in files):
        return files
    base = os.path.commonpath([os.path.dirname(f) for f in files])
    inside = os.path.commonpath([base, spec.workdir]) == str(spec.workdir)  # a YAML item's files: no link
    if not inside and os.path.commonpath([base, spec.workdir]) == base:
        raise EngineError(f"zuban cannot be given files around its own run folder {spec.workdir} (a link would loop)")
    entries: list[str] = []
    for path in files:
        below = os.path.relpath(path, spec.workdir if inside else base)
        if _SKIPPED.search("/" + below):
            raise EngineError(
                f"zuban cannot be given {path!r}: a `[`, `*` or `?` makes its `files` entry a pattern, "
                "and its patterns find nothing below a dot folder, node_modules, __pycache__ or site-packages"
            )
        entries.append(glob_literal(path if inside else str(link / below)))
    if not inside:
        os.symlink(base, link, target_is_directory=True)
    return entries


def _with_files(spec: RunSpec, config: Path, files: list[str]) -> Path:
    """A YAML item's mypy config with `files` set, beside it (its relative paths read the same)."""
    if config.suffix == ".toml":
        import tomlkit

        document = tomlkit.parse(config.read_text(encoding="utf-8"))
        tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
        tool.setdefault("mypy", tomlkit.table())["files"] = files  # pyright: ignore[reportUnknownMemberType]
        text = tomlkit.dumps(document)  # pyright: ignore[reportUnknownMemberType]
    else:
        import configparser  # only for a user's own mypy.ini: its import is a fifth of this module's

        parser = configparser.RawConfigParser()
        parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys as written
        parser.read_string(config.read_text(encoding="utf-8"))
        for file in files:
            if "," in file or file != file.strip():
                raise EngineError(f"zuban reads a mypy.ini's `files` comma-separated, so it cannot be given {file!r}")
        if not parser.has_section("mypy"):
            parser.add_section("mypy")
        parser.set("mypy", "files", ",\n".join(files))
        buffer = io.StringIO()
        parser.write(buffer)
        text = buffer.getvalue()
    path = config.with_name(f"zuban-{config.name}")
    atomic_write(path, text)
    return path
