"""Target interpreters, as they report themselves: executable, sys.path, starlette/fastapi, our stubs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from ..model import EngineError
from .procs import Processes, TimedOut

_PROBE = r"""
import importlib.util, json, os, sys
def listed_version(dist):
    # importlib.metadata's own lookup (the first folder on sys.path holding a NAME-*.dist-info or
    # .egg-info), done by listing: importing it costs more than the rest of the probe. Anything
    # unusual (a zip on the path, metadata that is a file or lacks a Version) is left to it.
    want = dist.replace("-", "_").replace(".", "_").lower()
    for entry in sys.path:
        if os.path.isfile(entry):
            raise LookupError(entry)
        try:
            children = os.listdir(entry or ".")
        except OSError:
            continue
        for child in children:
            low = child.lower()
            if not low.endswith((".dist-info", ".egg-info")):
                continue
            name = low.rpartition(".")[0].partition("-")[0]
            if name.replace("-", "_").replace(".", "_") != want:
                continue
            meta = os.path.join(entry, child, "METADATA" if low.endswith(".dist-info") else "PKG-INFO")
            with open(meta, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Version:"):
                        return line[len("Version:"):].strip()
                    if not line.strip():
                        break
            raise LookupError(meta)
    return None
def version(dist):
    try:
        return listed_version(dist)
    except Exception:
        pass
    try:
        import importlib.metadata as md
        return md.version(dist)
    except Exception:
        return None
def found(name):
    try:
        return importlib.util.find_spec(name) is not None
    except Exception:
        return False
def paramspec():
    try:
        with open(importlib.util.find_spec("starlette.background").origin, encoding="utf-8") as handle:
            return "ParamSpec" in handle.read()
    except Exception:
        return None
stubs = {}
for entry in sys.path:
    for pkg in ("starlette", "fastapi"):
        if entry and pkg not in stubs and os.path.isfile(os.path.join(entry, pkg + "-stubs", "background.pyi")):
            stubs[pkg] = os.path.join(entry, pkg + "-stubs")
import sysconfig
stdlib = sorted({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")})
print(json.dumps({
    "stdlib": stdlib,
    "executable": sys.executable, "prefix": sys.prefix, "base_prefix": sys.base_prefix,
    "version": "%d.%d.%d" % sys.version_info[:3], "path": [p for p in sys.path if p],
    "packages": {n: {"found": found(n), "version": version(n)} for n in ("starlette", "fastapi")},
    "stubs": {p: {"path": d, "version": version("types-" + p + "-background")} for p, d in stubs.items()},
    "paramspec": paramspec(),
}))
"""


@dataclass(frozen=True)
class Interpreter:
    """A Python environment as the interpreter itself reports it, asked under the controlled env."""

    given: Path
    executable: Path
    prefix: str
    base_prefix: str
    version: str
    path: tuple[str, ...]
    packages: Mapping[str, Mapping[str, object]]
    stubs: Mapping[str, Mapping[str, object]]
    paramspec: bool | None = None  # does starlette's own background.py type add_task with a ParamSpec?
    stdlib: tuple[str, ...] = ()  # sysconfig's stdlib and platstdlib: the only folders counted by listing

    @property
    def identity(self) -> str:
        """Which environment this is (not what is in it): names the per-environment cache folder."""
        text = json.dumps([str(self.executable), self.prefix, list(self.path)])
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def version_of(self, package: str) -> str | None:
        value = self.packages.get(package, {}).get("version")
        return str(value) if value is not None else None


def inspect_interpreter(python: Path, env: Mapping[str, str], cwd: Path, procs: Processes | None = None) -> Interpreter:
    """`procs`: the processes a caller may cancel (Ctrl-C, an error elsewhere) while this one answers."""
    try:
        # In its own process group, killed with any child it leaves, like every checker (host/procs.py).
        proc = (procs or Processes()).run([str(python), "-c", _PROBE], cwd=cwd, env=env, timeout=60)
    except TimedOut:
        raise EngineError(f"{python} did not answer within 60 s; is it a Python interpreter?") from None
    except OSError as exc:
        raise EngineError(f"{python} is not a Python interpreter: {exc.strerror or exc}") from None
    try:
        lines = proc.stdout.strip().splitlines()
        if len(lines) != 1:  # e.g. a sitecustomize that prints: the checkers would read that output too
            raise ValueError("extra output")
        data = cast(dict[str, object], json.loads(lines[0]))
        return Interpreter(
            given=python,
            executable=Path(str(data["executable"])),
            prefix=str(data["prefix"]),
            base_prefix=str(data["base_prefix"]),
            version=str(data["version"]),
            path=tuple(str(p) for p in cast(list[object], data["path"])),
            packages=cast(dict[str, dict[str, object]], data["packages"]),
            stubs=cast(dict[str, dict[str, object]], data["stubs"]),
            paramspec=cast(bool | None, data.get("paramspec")),
            stdlib=tuple(str(p) for p in cast(list[object], data["stdlib"])),
        )
    except (ValueError, KeyError, TypeError, IndexError):
        detail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:200]
        if proc.returncode == 0 and proc.stdout.strip():
            detail = f"it prints on start-up ({proc.stdout.strip().splitlines()[0][:80]!r}); checkers cannot use it"
        raise EngineError(f"{python} is not a working Python interpreter: {detail}") from None


# Imports the target's own starlette/fastapi (without writing bytecode next to them: a maintainer's checkout
# must stay as it was) and names where each API is really defined, inherited methods included.
_WHERE = r"""
import sys
sys.dont_write_bytecode = True
import importlib, inspect, json
found = {}
for name in json.loads(sys.argv[1]):
    parts = name.split(".")
    try:
        for cut in range(len(parts) - 1, 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
                break
            except ImportError:
                continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        obj = inspect.unwrap(obj)
        source, first = inspect.getsourcelines(obj)
        skip = next((i for i, text in enumerate(source) if not text.lstrip().startswith("@")), 0)
        found[name] = {
            "qualname": obj.__module__ + "." + obj.__qualname__,
            "file": inspect.getsourcefile(obj),
            "line": first + skip,
        }
    except Exception:
        pass
print(json.dumps(found))
"""


@dataclass(frozen=True)
class Definition:
    """Where the target interpreter defines an API: its own qualified name, file and line (of `def`/`class`)."""

    qualname: str
    file: Path
    line: int


def definitions(python: Path, names: list[str], env: Mapping[str, str], cwd: Path) -> dict[str, Definition]:
    """Each name the interpreter can import and find the source of; the others are left out, never guessed."""
    try:
        proc = Processes().run(
            [str(python), "-B", "-c", _WHERE, json.dumps(sorted(set(names)))], cwd=cwd, env=env, timeout=60
        )
        raw = cast(dict[str, dict[str, object]], json.loads(proc.stdout.strip().splitlines()[-1]))
        return {
            name: Definition(str(d["qualname"]), Path(str(d["file"])).resolve(), int(cast(int, d["line"])))
            for name, d in raw.items()
            if d.get("file")
        }
    except (OSError, TimedOut, ValueError, IndexError, KeyError, TypeError):
        return {}  # then no annotation points at a definition: the failures are still reported in full
