"""pyrefly: JSON output; `--preset default`, because the no-config `basic` preset skips argument errors.

Its files are the config's `project-includes`: globs (absolute ones work), so each path is escaped to
match itself alone. pyrefly leaves out of them, silently, whatever its default excludes match
(`**/venv/**`, dot folders, `node_modules`, the interpreter's site-packages) and what a `.gitignore`
above names; the engine's own workdir is `~/.cache/bgtyping`, a dot folder. Both are turned off.
An escaped pattern is expanded by walking the tree below the deepest folder above it whose name
needs no escaping: a workdir whose path holds `[`, `*` or `?` makes pyrefly walk that folder, and a
broken link or a link loop anywhere below it fails the run (exit 1, no JSON: refused, never judged).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

from ..model import PLUGIN_CODES, Diagnostic, Severity
from .common import Defaults, JsonStream, glob_literal, listable, not_its_output, resolver, toml_strings, write_config
from .protocol import Parsed, Report, RunSpec

CODES: Mapping[str, frozenset[str]] = {
    "arg-type": frozenset({"bad-argument-type"}),
    "missing-arg": frozenset({"missing-argument"}),
    "too-many-pos": frozenset({"bad-argument-count"}),
    "unknown-kw": frozenset({"unexpected-keyword"}),
    "dup-arg": frozenset({"bad-keyword-argument"}),
    "kw-only-as-pos": frozenset({"unexpected-positional-argument"}),
    "pos-only-as-kw": frozenset({"unexpected-keyword"}),
    "not-callable": frozenset({"bad-argument-type"}),
    "func-collision": frozenset({"bad-keyword-argument", "bad-argument-type"}),
    "self-collision": frozenset({"bad-keyword-argument", "bad-argument-type"}),
    "assert-type": frozenset({"assert-type"}),
    "assignment": frozenset({"bad-assignment"}),
    "attr": frozenset({"missing-attribute"}),
    "import-name": frozenset({"missing-module-attribute"}),
    "await": frozenset({"not-async"}),
    **PLUGIN_CODES,
}

_SEVERITY: Mapping[str, Severity] = {"error": "error", "warn": "warning", "warning": "warning", "info": "note"}
_MODULES = re.compile(r"INFO (\d[\d,]*) modules?\b")


class Pyrefly(Defaults):
    name = "pyrefly"
    family = "pyrefly"
    executable = "pyrefly"
    codes = CODES
    import_codes = frozenset({"missing-import", "import-error", "missing-source"})
    cost = 4
    bare_reveal_codes = frozenset({"unimported-directive"})
    reveal_code = "reveal-type"
    reveal_message = re.compile(r"^revealed type: (.*)$")

    def command(self, exe: str, spec: RunSpec) -> list[str]:
        # An explicit config: pyrefly otherwise walks up from each file to the nearest pyrefly.toml.
        includes = toml_strings(map(glob_literal, listable(spec)))
        config = write_config(
            spec,
            "pyrefly.toml",
            'preset = "default"\n'
            "disable-project-excludes-heuristics = true\n"
            "project-excludes = []\n"
            "use-ignore-files = false\n"
            f"project-includes = {includes}\n",
        )
        return [
            exe, "check",
            "--config", str(config),
            "--preset", "default",
            "--python-interpreter-path", str(spec.python),
            "--python-version", spec.python_version,
            "--output-format", "json",
            "--summary",
        ]  # fmt: skip

    def parse(self, stdout: Report, stderr: str, spec: RunSpec) -> Parsed:
        try:
            resolve = resolver(spec.workdir, spec.origin)
            found: list[Diagnostic] = []
            stream = JsonStream(stdout.chunks())
            reported = False
            for member in stream.members():
                if member != "errors":
                    stream.value()
                    continue
                reported = True
                for item in stream.items():
                    raw = cast(dict[str, object], item)
                    found.append(
                        Diagnostic(
                            path=resolve(str(raw["path"])),
                            line=int(cast(int, raw["line"])),
                            column=int(cast(int, raw["column"])),
                            severity=_SEVERITY[str(raw["severity"])],
                            code=str(raw["name"]),
                            message=str(raw["concise_description"]),
                        )
                    )
            stream.end()
            if not reported:
                raise KeyError("errors")
        except (ValueError, KeyError, TypeError) as exc:
            raise not_its_output(self.name, stdout.head(), exc) from exc
        modules = _MODULES.search(stderr)
        return Parsed(tuple(found), int(modules.group(1).replace(",", "")) if modules else None)
