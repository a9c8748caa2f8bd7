"""Reuse a checker run when nothing it could depend on has changed, so a rerun costs almost nothing.

The key covers the command line, the checker executable, the engine's own code, the bytes of every
file in the batch, and the files of starlette, fastapi, our stubs and their typing dependencies in
the checked environment. Anything unreadable is a miss, never a hit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from .model import Diagnostic, RunKey, RunResult, Severity

_ENGINE = Path(__file__).resolve().parent
_PACKAGES = ("starlette", "fastapi", "typing_extensions", "pydantic", "annotated_doc", "anyio")
_FILE = "result.json"


def key(command: Sequence[str], executable: str, files: Iterable[Path], python: Path) -> str:
    digest = hashlib.sha256(json.dumps(list(command)).encode())
    for path in (Path(executable), *sorted(_ENGINE.rglob("*.py"))):
        _stat(digest, path)
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    for site in _site_dirs(python):
        for entry in sorted(site.iterdir()):
            if entry.name.split("-")[0].split(".")[0] in _PACKAGES or entry.name.endswith("-stubs"):
                for path in sorted(entry.rglob("*")) if entry.is_dir() else [entry]:
                    _stat(digest, path)
    return digest.hexdigest()


def _stat(digest: Any, path: Path) -> None:
    info = path.stat()
    digest.update(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\n".encode())


def _site_dirs(python: Path) -> list[Path]:
    """The environment's site-packages and whatever its .pth files add, without starting it."""
    found = sorted(python.resolve().parent.parent.glob("lib/python3*/site-packages"))
    found += sorted(python.parent.parent.glob("lib/python3*/site-packages"))
    for site in list(found):
        for pth in site.glob("*.pth"):
            for line in pth.read_text(encoding="utf-8").splitlines():
                extra = Path(line.strip())
                if line.strip() and not line.startswith(("#", "import")) and extra.is_dir():
                    found.append(extra)
    return list(dict.fromkeys(found))


def load(workdir: Path, fingerprint: str) -> RunResult | None:
    try:
        data = cast(dict[str, object], json.loads((workdir / _FILE).read_text(encoding="utf-8")))
        if data["key"] != fingerprint:
            return None
        raw_key = cast(dict[str, str], data["run"])
        analyzed = data["analyzed"]
        return RunResult(
            key=RunKey(raw_key["checker"], raw_key["target"], raw_key["python_version"]),
            version=str(data["version"]),
            command=tuple(cast(list[str], data["command"])),
            diagnostics=tuple(
                Diagnostic(str(d[0]), int(str(d[1])), int(str(d[2])), cast(Severity, d[3]), str(d[4]), str(d[5]))
                for d in cast(list[list[object]], data["diagnostics"])
            ),
            analyzed=frozenset(cast(list[str], analyzed)) if isinstance(analyzed, list) else cast(int | None, analyzed),
            seconds=0.0,
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def save(workdir: Path, fingerprint: str, result: RunResult) -> None:
    analyzed = sorted(result.analyzed) if isinstance(result.analyzed, frozenset) else result.analyzed
    data = {
        "key": fingerprint,
        "run": {
            "checker": result.key.checker,
            "target": result.key.target,
            "python_version": result.key.python_version,
        },
        "version": result.version,
        "command": list(result.command),
        "diagnostics": [[d.path, d.line, d.column, d.severity, d.code, d.message] for d in result.diagnostics],
        "analyzed": analyzed,
    }
    (workdir / _FILE).write_text(json.dumps(data), encoding="utf-8")
