"""Fingerprints of everything a run could read: file trees and whole interpreters.

Fingerprints are `(path, size, mtime_ns, ctime_ns, inode)` of every file: `touch` or an edit that
restores mtime still changes ctime, so it cannot make a stale result look fresh.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Protocol, cast

from ..fsutil import atomic_write
from ..host.interpreter import Interpreter
from ..host.shebang import shebang_words
from ..paths import ENGINE


class Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


# What import resolution can read below a sys.path entry that is not part of an installation.
_IMPORTABLE = frozenset({".py", ".pyi", ".pth", ".so", ".pyd", ".typed"})


_ENGINE_PREFIXES = ("bgtyping", "_editable_impl_bgtyping", "__editable__.bgtyping")  # a cheap first test


def _engine_itself(entry: os.DirEntry[str]) -> bool:
    """The engine's own installed files: keyed by content elsewhere, and reinstalled by every nox session.

    Only the running engine's own package is left out: another copy of `bgtyping` that a checker's
    interpreter imports (a YAML item's `plugins = bgtyping.mypy_plugin`) counts like any package. Its
    metadata and editable-install files are left out either way: they name where the code lies, and
    that place is walked as a `sys.path` entry of its own."""
    if entry.name == "bgtyping":
        return os.path.realpath(entry.path) == str(ENGINE)
    return entry.name.startswith(("bgtyping-", "_editable_impl_bgtyping", "__editable__.bgtyping"))


# A file's content is remembered only once its ctime is this much in the past (ContentMemo).
SETTLED_NS = 3_000_000_000


class ContentMemo:
    """The sha256 of files by (device, inode, size, mtime_ns, ctime_ns), kept in the workroot between plans.

    Hashing a whole installation's hard-linked files takes seconds; their stat takes milliseconds. A
    file is remembered only when its ctime was settled (SETTLED_NS old) as it was read: an edit in the
    same clock tick as an earlier read could leave all five numbers as they were, while any later
    change moves ctime forward, and no user can set ctime back. Anything unreadable is forgotten.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._old: dict[str, str] = {}
        self._used: dict[str, str] = {}
        if path is not None:
            try:
                data = cast(dict[str, object], json.loads(path.read_text(encoding="utf-8")))
                raw = cast(dict[object, object], data["digests"]) if data.get("version") == 1 else {}
                self._old = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str) and len(v) == 64}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._old = {}

    def content(self, path: str, info: os.stat_result) -> str:
        ident = f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
        with self._lock:
            known = self._used.get(ident) or self._old.get(ident)
            if known is not None:
                self._used[ident] = known
                return known
        try:
            with open(path, "rb") as handle:
                content = hashlib.file_digest(handle, "sha256").hexdigest()
            after = os.stat(path)
        except OSError:
            return "unreadable"
        unchanged = (after.st_ino, after.st_size, after.st_mtime_ns, after.st_ctime_ns) == (
            info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns
        )  # fmt: skip
        if unchanged and time.time_ns() - info.st_ctime_ns > SETTLED_NS:
            with self._lock:
                self._used[ident] = content
        return content

    def save(self) -> None:
        """Keep what this plan used (a file gone is forgotten); unchanged, nothing is written."""
        if self.path is None:
            return
        with self._lock:
            used = dict(self._used)
        if used != self._old:
            atomic_write(self.path, json.dumps({"version": 1, "digests": used}, sort_keys=True))


_NO_MEMO = ContentMemo()


def fingerprint_tree(
    digest: Digest, root: Path, *, everything: bool, exclude: Path | None = None, memo: ContentMemo = _NO_MEMO
) -> int:
    """Feed every file below `root` (or only importable ones) into `digest`; returns the file count."""
    digest.update(f"root\0{root}\n".encode(errors="surrogateescape"))
    try:
        info = root.stat()
    except OSError:
        digest.update(b"missing\n")
        return 0
    if not root.is_dir():
        digest.update(_stat_line(str(root), info, memo).encode(errors="surrogateescape"))
        return 1
    return _walk(digest, str(root), everything, str(exclude) if exclude else None, set(), memo)


def _walk(
    digest: Digest, folder: str, everything: bool, exclude: str | None, seen: set[tuple[int, int]], memo: ContentMemo
) -> int:
    # Tens of thousands of files per plan: each file's line is built inline and a folder's lines go to the
    # digest together (in the same order, so what is hashed is what one update per line would hash).
    count = 0
    try:
        here = os.stat(folder)
        if (here.st_dev, here.st_ino) in seen:  # a symlink loop, or a folder reached twice
            digest.update(f"again\0{folder}\n".encode(errors="surrogateescape"))
            return 0
        seen.add((here.st_dev, here.st_ino))
        entries = sorted(os.scandir(folder), key=_name)
    except OSError:
        digest.update(f"unreadable\0{folder}\n".encode(errors="surrogateescape"))
        return 0
    lines: list[str] = []
    for entry in entries:
        name = entry.name
        if name.startswith(_ENGINE_PREFIXES) and _engine_itself(entry):
            continue
        try:
            if entry.is_dir(follow_symlinks=True):
                if _walk_into(name, everything) and entry.path != exclude:
                    lines.append(f"dir\0{entry.path}\n")
                    digest.update("".join(lines).encode(errors="surrogateescape"))
                    lines.clear()
                    count += _walk(digest, entry.path, everything, exclude, seen, memo)
            elif everything or name[name.rfind(".") :] in _IMPORTABLE:
                info = entry.stat(follow_symlinks=True)
                lines.append(_stat_line(entry.path, info, memo))
                count += 1
        except OSError:
            lines.append(f"gone\0{entry.path}\n")
    digest.update("".join(lines).encode(errors="surrogateescape"))
    return count


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def fingerprint_listing(digest: Digest, root: Path) -> None:
    """A standard library folder: which modules it has, not their contents (checkers read typeshed)."""
    digest.update(f"listing\0{root}\n".encode(errors="surrogateescape"))
    try:
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            digest.update(f"{entry.name}\0{entry.is_dir()}\n".encode(errors="surrogateescape"))
    except OSError:
        digest.update(b"unreadable\n")


def _walk_into(name: str, everything: bool) -> bool:
    if name == "__pycache__":
        return False  # checkers never read bytecode
    # Only an identifier (or a `-stubs` / metadata folder) can be imported; `.git` or `node_modules`-like
    # folders of an editable checkout cannot change what resolves.
    return everything or name.isidentifier() or name.endswith(("-stubs", ".dist-info", ".egg-info"))


def _stat_line(path: str, info: os.stat_result, memo: ContentMemo) -> str:
    if info.st_nlink > 1:
        # A hard link (uv installs from its cache that way): linking the same file into another venv
        # changes its ctime everywhere, so its content counts instead of its ctime.
        content = memo.content(path, info)
        return f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{content}\0{info.st_ino}\n"
    return f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\n"


def _is_stdlib(path: Path, interp: Interpreter) -> bool:
    """Exactly the interpreter's stdlib folders, its zipped stdlib and lib-dynload; nothing else under its prefix."""
    for stdlib in map(Path, interp.stdlib):
        if path == stdlib or path == stdlib / "lib-dynload" or (path.suffix == ".zip" and path.parent == stdlib.parent):
            return True
    return False


def fingerprint_interpreter(
    interp: Interpreter, exclude: Path | None = None, *, everything: bool = False, memo: ContentMemo = _NO_MEMO
) -> str:
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
            fingerprint_tree(digest, path, everything=everything and installed, exclude=exclude, memo=memo)
    fingerprint_tree(digest, Path(interp.prefix) / "pyvenv.cfg", everything=True, memo=memo)
    fingerprint_tree(digest, interp.executable, everything=True, memo=memo)
    return digest.hexdigest()


@functools.cache
def shebang_interpreter(exe: str) -> Path | None:
    """A console script's interpreter (its `#!` line), or None for a native binary."""
    words = shebang_words(exe)
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return Path(words[1])
    return Path(words[0])
