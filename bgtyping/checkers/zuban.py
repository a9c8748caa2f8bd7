"""zuban: mypy-compatible mode and codes; text output only, so it is parsed line by line."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..model import Diagnostic, EngineError
from .common import Defaults, resolver, write_config
from .mypy import CODES as MYPY_CODES
from .mypy import SEVERITY
from .protocol import Parsed, RunSpec, Unsupported

_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|note|warning): "
    r"(?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
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
        if spec.mypy_config is not None:
            settings = ["--config-file", str(spec.mypy_config)]
        else:
            settings = ["--config-file", str(write_config(spec, "mypy.ini", "[mypy]\n")), "--strict"]
        return [
            exe, "check",
            "--mode", "mypy",
            *settings,
            "--show-column-numbers",
            "--python-executable", str(spec.python),
            "--python-version", spec.python_version,
            *map(str, spec.files),
        ]  # fmt: skip

    def parse(self, stdout: str, stderr: str, spec: RunSpec) -> Parsed:
        found: list[Diagnostic] = []
        analyzed: int | None = None
        resolve = resolver(spec.workdir, spec.origin)
        for number, raw in enumerate(stdout.splitlines(), 1):
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
