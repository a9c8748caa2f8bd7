"""ty: GitLab code-quality JSON (its only JSON format), file count from `-v`.

Its files are ty.toml's `[src] include`: gitignore-style globs below the project folder (no `..`, no
path outside it, nothing through a symlink), where a space, a comma or a `[` must be escaped with a
backslash (a backslash itself cannot be). So the project is the folder that holds every staged file,
each listed relative to it with every character but [A-Za-z0-9_.-/] escaped. The first-party search
path stays the run's own folder (`environment.root`), as when that folder was the project; ty's
default excludes (`.venv`, `dist`, dot folders, ...) and ignore files are turned off: they would
silently leave a listed file out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import cast

from ..model import PLUGIN_CODES, Diagnostic, EngineError, Severity
from .common import Defaults, JsonStream, listable, not_its_output, resolver, toml_strings, write_config
from .protocol import Parsed, Report, RunSpec

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
_PLAIN = re.compile(r"[^A-Za-z0-9_./-]")


def include_pattern(path: str) -> str:
    """A path below the project as a ty include pattern that matches it alone."""
    if "\\" in path:
        raise EngineError(f"ty cannot be given a file whose path holds a backslash: {path!r}")
    return _PLAIN.sub(lambda m: "\\" + m.group(0), path)


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
        files = listable(spec)
        project = os.path.commonpath([os.path.dirname(f) for f in files]) if files else str(spec.workdir)
        below = project.rstrip("/") + "/"  # relpath costs two abspaths a file; a plain path below is a prefix
        includes = toml_strings(
            include_pattern(f[len(below) :] if f.startswith(below) and "/." not in f else os.path.relpath(f, project))
            for f in files
        )
        config = write_config(
            spec,
            "ty.toml",
            f"[environment]\nroot = {toml_strings([str(spec.workdir)])}\n\n"
            f'[src]\nexclude = ["!**"]\nrespect-ignore-files = false\ninclude = {includes}\n',
        )
        return [
            exe, "check",
            "--config-file", str(config),
            "--project", project,
            "--python", str(spec.python),
            "--python-version", spec.python_version,
            "--output-format", "gitlab",
            "--no-progress",
            "-v",
        ]  # fmt: skip

    def parse(self, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        try:
            found: list[Diagnostic] = []
            resolve = resolver(spec.workdir, spec.origin)
            stream = JsonStream(stdout.chunks())
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
            raise not_its_output(self.name, stdout.head(), exc) from exc
        indexed = _INDEXED.search(stderr)
        return Parsed(tuple(found), int(indexed.group(1)) if indexed else None)
