"""ty: GitLab code-quality JSON (its only JSON format), file count from `-v`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

from ..model import PLUGIN_CODES, Diagnostic, Severity
from .common import Defaults, JsonStream, not_its_output, resolver, write_config
from .protocol import Parsed, RunSpec

CODES: Mapping[str, frozenset[str]] = {
    "arg-type": frozenset({"invalid-argument-type"}),
    "missing-arg": frozenset({"missing-argument"}),
    "too-many-pos": frozenset({"too-many-positional-arguments"}),
    "unknown-kw": frozenset({"unknown-argument"}),
    "dup-arg": frozenset({"parameter-already-assigned"}),
    "kw-only-as-pos": frozenset({"missing-argument", "too-many-positional-arguments"}),
    "pos-only-as-kw": frozenset({"positional-only-parameter-as-kwarg"}),
    "not-callable": frozenset({"invalid-argument-type"}),
    "func-collision": frozenset({"missing-argument", "invalid-argument-type", "parameter-already-assigned"}),
    "self-collision": frozenset({"missing-argument", "invalid-argument-type", "parameter-already-assigned"}),
    "assert-type": frozenset({"type-assertion-failure"}),
    "assignment": frozenset({"invalid-assignment"}),
    "attr": frozenset({"missing-attribute"}),
    "import-name": frozenset({"missing-module-member"}),
    "await": frozenset({"invalid-await"}),
    **PLUGIN_CODES,
}

# GitLab's scale; ty writes errors as "major" and warnings as "minor".
_SEVERITY: Mapping[str, Severity] = {
    "blocker": "error",
    "critical": "error",
    "major": "error",
    "minor": "warning",
    "info": "note",
}
_INDEXED = re.compile(r"Indexed (\d+) file")


class Ty(Defaults):
    name = "ty"
    family = "ty"
    executable = "ty"
    codes = CODES
    import_codes = frozenset({"unresolved-import", "import-not-found"})
    cost = 5
    reveal_code = "revealed-type"
    reveal_message = re.compile(r"^Revealed type: `(.*)`$")

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        # An explicit ty.toml and project folder: no ty.toml or pyproject.toml of the caller's is read.
        config = write_config(spec, "ty.toml", "")
        return [
            exe, "check",
            "--config-file", str(config),
            "--project", str(spec.workdir),
            "--python", str(spec.python),
            "--python-version", spec.python_version,
            "--output-format", "gitlab",
            "--no-progress",
            "-v",
            *map(str, spec.files),
        ]  # fmt: skip

    def parse(self, stdout: str, stderr: str, spec: RunSpec) -> Parsed:
        try:
            found: list[Diagnostic] = []
            resolve = resolver(spec.workdir, spec.origin)
            stream = JsonStream(stdout)
            for item in stream.items():
                raw = cast(dict[str, object], item)
                location = cast(dict[str, object], raw["location"])
                begin = cast(dict[str, dict[str, int]], location["positions"])["begin"]
                code = str(raw["check_name"])
                found.append(
                    Diagnostic(
                        path=resolve(str(location["path"])),
                        line=int(begin["line"]),
                        column=int(begin["column"]),
                        severity=_SEVERITY[str(raw["severity"])],
                        code=code,
                        message=str(raw["description"]).removeprefix(f"{code}: "),
                    )
                )
            stream.end()
        except (ValueError, KeyError, TypeError) as exc:
            raise not_its_output(self.name, stdout, exc) from exc
        indexed = _INDEXED.search(stderr)
        return Parsed(tuple(found), int(indexed.group(1)) if indexed else None)
