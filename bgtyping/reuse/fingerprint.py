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
_IMPORTABLE_DIRS = ("-stubs", ".dist-info", ".egg-info")  # besides identifiers


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
            content, after = _sha256(path)
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
_CHUNK = 1 << 20


def _sha256(path: str) -> tuple[str, os.stat_result]:
    """The file's sha256, and the stat of what was read (so a change during the read is seen).

    Plain descriptors: a fresh workdir hashes every hard-linked file of an installation (25,000 in the
    bench's environment), and `open()` + `hashlib.file_digest` + a stat by path cost 1.7 times as much."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        digest = hashlib.sha256()
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
        return digest.hexdigest(), os.fstat(fd)
    finally:
        os.close(fd)


def fingerprint_tree(
    digest: Digest, root: Path, *, everything: bool, exclude: Path | None = None, memo: ContentMemo = _NO_MEMO
) -> int:
    """Feed every file below `root` (or only importable ones) into `digest`; returns the file count."""
    found = _tree((digest, None) if everything else (None, digest), root, exclude, memo)
    return found[0] if everything else found[1]


def _tree(streams: _Streams, root: Path, exclude: Path | None, memo: ContentMemo) -> tuple[int, int]:
    """`_walk` from `root`: a file, a folder, or nothing there."""
    for stream in streams:
        if stream is not None:
            stream.update(f"root\0{root}\n".encode(errors="surrogateescape"))
    try:
        info = root.stat()
    except OSError:
        for stream in streams:
            if stream is not None:
                stream.update(b"missing\n")
        return 0, 0
    if not root.is_dir():
        line = _stat_line(str(root), info, memo).encode(errors="surrogateescape")
        for stream in streams:
            if stream is not None:
                stream.update(line)
        return int(streams[0] is not None), int(streams[1] is not None)
    return _walk(streams, str(root), str(exclude) if exclude else None, (set(), set()), memo)


# The two walks one pass can feed: (every file, importable files only); None where not wanted.
_Streams = tuple[Digest | None, Digest | None]


def _walk(
    streams: _Streams, folder: str, exclude: str | None, seen: tuple[set[tuple[int, int]], set[tuple[int, int]]],
    memo: ContentMemo,
) -> tuple[int, int]:  # fmt: skip
    """Both walks at once, each feeding its digest exactly what a walk of its own would: a checker's
    installation is often the target too, and one pass then serves its key (every file) and the
    target's (importable files), each file stat-ed once. A folder counts as seen per walk: the
    importable walk does not enter every folder, so one walk can reach a folder first by a symlink
    the other never follows."""
    # Tens of thousands of files per plan: each file's line is built inline and a folder's lines go to the
    # digest together (in the same order, so what is hashed is what one update per line would hash).
    every, importable = streams
    try:
        here = os.stat(folder)
        ident = (here.st_dev, here.st_ino)
        if every is not None and ident in seen[0]:  # a symlink loop, or a folder reached twice
            every.update(f"again\0{folder}\n".encode(errors="surrogateescape"))
            every = None
        if importable is not None and ident in seen[1]:
            importable.update(f"again\0{folder}\n".encode(errors="surrogateescape"))
            importable = None
        if every is not None:
            seen[0].add(ident)
        if importable is not None:
            seen[1].add(ident)
        if every is None and importable is None:
            return 0, 0
        entries = sorted(os.scandir(folder), key=_name)
    except OSError:
        for stream in (every, importable):
            if stream is not None:
                stream.update(f"unreadable\0{folder}\n".encode(errors="surrogateescape"))
        return 0, 0
    all_lines: list[str] = []
    lines: list[str] = []
    count_all = count = 0
    for entry in entries:
        name = entry.name
        if name.startswith(_ENGINE_PREFIXES) and _engine_itself(entry):
            continue
        wanted = listed = False
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
            listed = True
            if is_dir:
                # Checkers never read bytecode; only an identifier (or a `-stubs` / metadata folder) can be
                # imported: `.git` or `node_modules`-like folders of an editable checkout cannot change
                # what resolves.
                if name == "__pycache__" or entry.path == exclude:
                    continue
                inner = importable if name.isidentifier() or name.endswith(_IMPORTABLE_DIRS) else None
                if every is not None:
                    all_lines.append(f"dir\0{entry.path}\n")
                    every.update("".join(all_lines).encode(errors="surrogateescape"))
                    all_lines.clear()
                if inner is not None:
                    lines.append(f"dir\0{entry.path}\n")
                    inner.update("".join(lines).encode(errors="surrogateescape"))
                    lines.clear()
                if every is not None or inner is not None:
                    found = _walk((every, inner), entry.path, exclude, seen, memo)
                    count_all += found[0]
                    count += found[1]
                continue
            wanted = importable is not None and name[name.rfind(".") :] in _IMPORTABLE
            if every is not None or wanted:
                line = _stat_line(entry.path, entry.stat(follow_symlinks=True), memo)
                if every is not None:
                    all_lines.append(line)
                    count_all += 1
                if wanted:
                    lines.append(line)
                    count += 1
        except OSError:
            if every is not None:
                all_lines.append(f"gone\0{entry.path}\n")
            if importable is not None and (wanted or not listed):  # what its own walk would have tried
                lines.append(f"gone\0{entry.path}\n")
    if every is not None:
        every.update("".join(all_lines).encode(errors="surrogateescape"))
    if importable is not None:
        importable.update("".join(lines).encode(errors="surrogateescape"))
    return count_all, count


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
    _interpreter((digest, None) if everything else (None, digest), interp, exclude, memo)
    return digest.hexdigest()


def fingerprint_interpreter_pair(
    interp: Interpreter, exclude: Path | None = None, *, memo: ContentMemo = _NO_MEMO
) -> tuple[str, str]:
    """`fingerprint_interpreter` with everything=True and with everything=False, from one pass."""
    every, importable = hashlib.sha256(), hashlib.sha256()
    _interpreter((every, importable), interp, exclude, memo)
    return every.hexdigest(), importable.hexdigest()


class _Both:
    """One digest's bytes into two (what both walks take alike)."""

    def __init__(self, *digests: Digest | None) -> None:
        self.digests = [d for d in digests if d is not None]

    def update(self, data: bytes, /) -> None:
        for digest in self.digests:
            digest.update(data)


def _interpreter(streams: _Streams, interp: Interpreter, exclude: Path | None, memo: ContentMemo) -> None:
    both = _Both(*streams)
    both.update(json.dumps([str(interp.executable), interp.prefix, interp.version, list(interp.path)]).encode())
    for entry in interp.path:
        path = Path(entry)
        if _is_stdlib(path, interp):
            fingerprint_listing(both, path)
        else:
            # An editable checkout on the path (outside the installation) counts by its importable files.
            installed = path.is_relative_to(interp.prefix) or path.is_relative_to(interp.base_prefix)
            _tree(streams if installed else (None, both), path, exclude, memo)
    _tree((both, None), Path(interp.prefix) / "pyvenv.cfg", None, memo)
    _tree((both, None), interp.executable, None, memo)


@functools.cache
def shebang_interpreter(exe: str) -> Path | None:
    """A console script's interpreter (its `#!` line), or None for a native binary."""
    words = shebang_words(exe)
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return Path(words[1])
    return Path(words[0])
