"""mypy: JSON output (`-O json`); `-v` says which files it analysed or found fresh in its cache.

A report (`--linecount-report`) would prove coverage too, but reports make mypy skip its cache.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from ..model import Diagnostic, EngineError, Severity
from .base import Parsed, RunSpec

_CALL = frozenset({"call-arg"})
_SEVERITY: Mapping[str, Severity] = {"error": "error", "warning": "warning", "note": "note"}

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
}


class Mypy:
    name = "mypy"
    family = "mypy"
    executable = "mypy"
    codes = CODES
    import_codes = frozenset({"import-not-found", "import-untyped", "import"})
    ok_exit_codes = frozenset({0, 1})
    unsupported: Mapping[str, str] = {}

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        config = spec.workdir / "mypy.ini"
        # An empty config keeps the project's own [tool.mypy] (for the engine) out of the corpus run.
        config.write_text("[mypy]\n", encoding="utf-8")
        return [
            exe,
            "--config-file", str(config),
            "--strict",
            "--python-executable", str(spec.python),
            "--python-version", spec.python_version,
            "--cache-dir", str(spec.workdir / "cache"),
            "--verbose",
            "--output", "json",
            "--no-error-summary",
            "--show-traceback",
            *map(str, spec.files),
        ]  # fmt: skip

    def parse(self, stdout: str, stderr: str, spec: RunSpec) -> Parsed:
        return Parsed(parse_json_lines(self.name, stdout, spec.root), _analysed(stderr, spec.root))


def parse_json_lines(checker: str, stdout: str, root: Path) -> tuple[Diagnostic, ...]:
    """mypy's `-O json` prints one JSON object per line."""
    found: list[Diagnostic] = []
    for number, raw in enumerate(stdout.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = cast(dict[str, object], json.loads(raw))
            found.append(
                Diagnostic(
                    path=str((root / str(item["file"])).resolve()),
                    line=int(cast(int, item["line"])),
                    column=int(cast(int, item["column"])) + 1,
                    severity=_SEVERITY[str(item["severity"])],
                    code=str(item.get("code") or ""),
                    message=str(item["message"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EngineError(
                f"{checker} printed something that is not its JSON output (stdout line {number}): {raw[:200]!r}"
            ) from exc
    return tuple(found)


_ANALYSED = re.compile(r"^LOG:  (?:Parsing (?P<parsed>.+?) \(|Metadata fresh for \S+: file (?P<fresh>.+)$)", re.M)


def _analysed(log: str, root: Path) -> frozenset[str]:
    """The source files mypy parsed or found fresh in its cache, as resolved paths."""
    found = {m["parsed"] or m["fresh"] for m in _ANALYSED.finditer(log)}
    return frozenset(str((root / path).resolve()) for path in found)
