"""pyright: `--outputjson`, which also reports how many files it analysed; its files are the config's `include`.

`include` takes paths relative to the config's folder only: an absolute entry is ignored with a warning,
and pyright then checks the whole folder instead. Each file is written relative to the run's folder
(`../../stage/...`). Its patterns know `*`, `**` and `?`, which cannot be escaped (a name holding one
would match its neighbours too), so such a path is refused; `[` is no pattern character for it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import cast

from ..model import PLUGIN_CODES, Diagnostic, EngineError, Severity
from .common import Defaults, listable, not_its_output, relative, resolver, write_config
from .protocol import Parsed, Report, RunSpec

_CALL = frozenset({"reportCallIssue"})

CODES: Mapping[str, frozenset[str]] = {
    "arg-type": frozenset({"reportArgumentType"}),
    "missing-arg": _CALL,
    "too-many-pos": _CALL,
    "unknown-kw": _CALL,
    "dup-arg": _CALL,
    "kw-only-as-pos": _CALL,
    "pos-only-as-kw": _CALL,
    "not-callable": frozenset({"reportArgumentType", "reportCallIssue"}),
    "func-collision": _CALL,
    "self-collision": _CALL,
    "assert-type": frozenset({"reportAssertTypeFailure"}),
    "assignment": frozenset({"reportAssignmentType"}),
    "attr": frozenset({"reportAttributeAccessIssue"}),
    "import-name": frozenset({"reportAttributeAccessIssue"}),
    "await": frozenset({"reportGeneralTypeIssues"}),
    **PLUGIN_CODES,
}

_SEVERITY: Mapping[str, Severity] = {"error": "error", "warning": "warning", "information": "note"}


def _include(path: str) -> str:
    if "*" in path or "?" in path:
        raise EngineError(f"pyright's `include` cannot name a file whose path holds `*` or `?`: {path!r}")
    return path


class Pyright(Defaults):
    name = "pyright"
    family = "pyright"
    executable = "pyright"
    reports_version = True
    codes = CODES
    import_codes = frozenset({"reportMissingImports", "reportMissingModuleSource"})
    cost = 0
    reveal_message = re.compile(r'^Type of ".*" is "(.*)"$')

    def inputs(self, env: Mapping[str, str]) -> tuple[Path, ...]:
        # The PyPI wrapper runs a pyright it may have downloaded into this cache (pyright/utils.py).
        cache = env.get("PYRIGHT_PYTHON_CACHE_DIR") or env.get("XDG_CACHE_HOME")
        home = env.get("HOME") or os.path.expanduser("~")
        return ((Path(cache) if cache else Path(home) / ".cache") / "pyright-python",)

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        settings = {
            "typeCheckingMode": "standard",
            # Case files must not carry ignore comments; if one slips in, it must not hide an error.
            "enableTypeIgnoreComments": spec.ignore_comments,
            "reportUnnecessaryTypeIgnoreComment": "none" if spec.ignore_comments else "error",
            "include": [_include(path) for path in relative(listable(spec), spec.workdir)],
        }
        config = write_config(spec, "pyrightconfig.json", json.dumps(settings, indent=2))
        return [
            exe,
            "--project", str(config),
            "--pythonpath", str(spec.python),
            "--pythonversion", spec.python_version,
            "--outputjson",
        ]  # fmt: skip

    def parse(self, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        return parse_outputjson(self.name, stdout.text(), spec.origin)


def parse_outputjson(checker: str, stdout: str, staged: Collection[str] = ()) -> Parsed:
    """Shared by pyright and basedpyright, whose JSON is the same."""
    try:
        data = cast(dict[str, object], json.loads(stdout))
        summary = cast(dict[str, object], data["summary"])
        found: list[Diagnostic] = []
        resolve = resolver(Path("/"), staged)
        for raw in cast(list[dict[str, object]], data["generalDiagnostics"]):
            start = cast(dict[str, dict[str, int]], raw["range"])["start"]
            found.append(
                Diagnostic(
                    path=resolve(str(raw["file"])),
                    line=int(start["line"]) + 1,
                    column=int(start["character"]) + 1,
                    severity=_SEVERITY[str(raw["severity"])],
                    code=str(raw.get("rule") or ""),
                    message=str(raw["message"]).splitlines()[0],
                )
            )
        analyzed = int(cast(int, summary["filesAnalyzed"]))
        version = str(data["version"])
    except (ValueError, KeyError, TypeError) as exc:
        raise not_its_output(checker, stdout, exc) from exc
    return Parsed(tuple(found), analyzed, f"{checker} {version}")
