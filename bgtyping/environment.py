"""What a checker run may see, and a fingerprint of everything it could read.

Hermeticity: every checker runs with the engine's own configuration file, in a working directory
the engine owns, with an environment built from the short `PASS_THROUGH` list below (nothing else
the caller has set, so no PYTHONPATH, MYPYPATH, TY_CONFIG_FILE, PYREFLY_CONFIG, ...). User-level
checker configs are hidden by pointing XDG_CONFIG_HOME at an empty folder.

Fingerprints are `(path, size, mtime_ns, ctime_ns, inode)` of every file: `touch` or an edit that
restores mtime still changes ctime, so it cannot make a stale result look fresh.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

from .model import EngineError

# Passed through unchanged when set; everything else the caller has set is dropped.
PASS_THROUGH = (
    "PATH",  # checkers start helpers (pyright's node) by name
    "HOME",  # user site-packages of a non-venv interpreter; pyright's download cache
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "SYSTEMROOT",
    "XDG_CACHE_HOME",  # where the pyright wrapper keeps the pyright it runs
    "PYRIGHT_PYTHON_CACHE_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
)
STUB_DISTRIBUTIONS = {"starlette": "types-starlette-background", "fastapi": "types-fastapi-background"}


def controlled_env(workroot: Path, source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of every checker process and of the target probe."""
    source = os.environ if source is None else source
    env = {name: source[name] for name in PASS_THROUGH if name in source}
    config_home = workroot / "config-home"  # empty: no user-level ty/pyrefly/mypy configuration
    config_home.mkdir(parents=True, exist_ok=True)
    env["XDG_CONFIG_HOME"] = str(config_home)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_COLOR"] = "1"
    return env


def default_workdir() -> Path:
    """The user's cache folder (XDG on Linux, ~/Library/Caches on macOS), never the current directory."""
    if env := os.environ.get("BGTYPING_CACHE_DIR"):
        return Path(env)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "bgtyping"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bgtyping"


# -- fingerprints -------------------------------------------------------------------------------


class Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


# What import resolution can read below a sys.path entry that is not part of an installation.
_IMPORTABLE = frozenset({".py", ".pyi", ".pth", ".so", ".pyd", ".typed"})


def _engine_itself(name: str) -> bool:
    """The engine's own installed files: keyed by content elsewhere, and reinstalled by every nox session."""
    return name == "bgtyping" or name.startswith(("bgtyping-", "_editable_impl_bgtyping", "__editable__.bgtyping"))


def fingerprint_tree(digest: Digest, root: Path, *, everything: bool, exclude: Path | None = None) -> int:
    """Feed every file below `root` (or only importable ones) into `digest`; returns the file count."""
    digest.update(f"root\0{root}\n".encode())
    try:
        info = root.stat()
    except OSError:
        digest.update(b"missing\n")
        return 0
    if not root.is_dir():
        _stat_line(digest, str(root), info)
        return 1
    return _walk(digest, str(root), everything, str(exclude) if exclude else None, set())


def _walk(digest: Digest, folder: str, everything: bool, exclude: str | None, seen: set[tuple[int, int]]) -> int:
    count = 0
    try:
        here = os.stat(folder)
        if (here.st_dev, here.st_ino) in seen:  # a symlink loop, or a folder reached twice
            digest.update(f"again\0{folder}\n".encode())
            return 0
        seen.add((here.st_dev, here.st_ino))
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        digest.update(f"unreadable\0{folder}\n".encode())
        return 0
    for entry in entries:
        if _engine_itself(entry.name):
            continue
        try:
            if entry.is_dir(follow_symlinks=True):
                if _walk_into(entry.name, everything) and entry.path != exclude:
                    digest.update(f"dir\0{entry.path}\n".encode())
                    count += _walk(digest, entry.path, everything, exclude, seen)
            elif everything or os.path.splitext(entry.name)[1] in _IMPORTABLE:
                _stat_line(digest, entry.path, entry.stat(follow_symlinks=True))
                count += 1
        except OSError:
            digest.update(f"gone\0{entry.path}\n".encode())
    return count


def fingerprint_listing(digest: Digest, root: Path) -> None:
    """A standard library folder: which modules it has, not their contents (checkers read typeshed)."""
    digest.update(f"listing\0{root}\n".encode())
    try:
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            digest.update(f"{entry.name}\0{entry.is_dir()}\n".encode())
    except OSError:
        digest.update(b"unreadable\n")


def _walk_into(name: str, everything: bool) -> bool:
    if name == "__pycache__":
        return False  # checkers never read bytecode
    # Only an identifier (or a `-stubs` / metadata folder) can be imported; `.git` or `node_modules`-like
    # folders of an editable checkout cannot change what resolves.
    return everything or name.isidentifier() or name.endswith(("-stubs", ".dist-info", ".egg-info"))


def _stat_line(digest: Digest, path: str, info: os.stat_result) -> None:
    if info.st_nlink > 1:
        # A hard link (uv installs from its cache that way): linking the same file into another venv
        # changes its ctime everywhere, so its content counts instead of its ctime.
        try:
            with open(path, "rb") as handle:
                content = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            content = "unreadable"
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{content}\0{info.st_ino}\n".encode())
        return
    digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\n".encode())


def _is_stdlib(path: Path, interp: Interpreter) -> bool:
    """Exactly the interpreter's stdlib folders, its zipped stdlib and lib-dynload; nothing else under its prefix."""
    for stdlib in map(Path, interp.stdlib):
        if path == stdlib or path == stdlib / "lib-dynload" or (path.suffix == ".zip" and path.parent == stdlib.parent):
            return True
    return False


# -- interpreters -------------------------------------------------------------------------------

_PROBE = r"""
import importlib.metadata as md, importlib.util, json, os, sys
def version(dist):
    try:
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


def inspect_interpreter(python: Path, env: Mapping[str, str], cwd: Path) -> Interpreter:
    try:
        proc = subprocess.run(
            [str(python), "-c", _PROBE],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=dict(env),
            cwd=cwd,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
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


def fingerprint_interpreter(interp: Interpreter, exclude: Path | None = None, *, everything: bool = False) -> str:
    """Every file the interpreter's sys.path exposes, plus its pyvenv.cfg (which ty and pyright read).

    The standard library counts by its listing only: checkers read their own typeshed for it, and a
    different Python is a different executable and version, which the key has anyway. `everything`
    takes every file, not only importable ones (for a checker's own installation: its JavaScript, its
    typeshed, its binaries).
    """
    digest = hashlib.sha256()
    digest.update(json.dumps([str(interp.executable), interp.prefix, interp.version, list(interp.path)]).encode())
    for entry in interp.path:
        path = Path(entry)
        if _is_stdlib(path, interp):
            fingerprint_listing(digest, path)
        else:
            # An editable checkout on the path (outside the installation) counts by its importable files.
            installed = path.is_relative_to(interp.prefix) or path.is_relative_to(interp.base_prefix)
            fingerprint_tree(digest, path, everything=everything and installed, exclude=exclude)
    fingerprint_tree(digest, Path(interp.prefix) / "pyvenv.cfg", everything=True)
    fingerprint_tree(digest, interp.executable, everything=True)
    return digest.hexdigest()


@functools.cache
def shebang_interpreter(exe: str) -> Path | None:
    """A console script's interpreter (its `#!` line), or None for a native binary."""
    try:
        with open(exe, "rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    words = first[2:].decode(errors="replace").split()
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return Path(words[1])
    return Path(words[0])
