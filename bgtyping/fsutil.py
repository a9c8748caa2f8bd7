"""Writes that matter are atomic: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .model import EngineError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_UMASK = _umask()


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then `os.replace` it in.

    A file that already holds exactly these bytes is left as it is (a run's config, rewritten by every
    rerun): no write, no fsync, its mtime kept."""
    data = text.encode("utf-8")
    try:
        if holds(path, data):
            return
    except OSError:
        pass
    atomic_write_bytes(path, data)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """`durable=False` skips the fsync, for a file every run compares and rewrites (a staged case)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a report is as readable as any file the user writes
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise EngineError(f"could not write {path}: {exc.strerror or exc}") from exc


def holds(path: str | Path, data: bytes) -> bool:
    """Whether the file's bytes are exactly `data`; it reads at most one byte more than `data` holds.
    Plain descriptors, not pathlib: a run compares every staged file twice (9,000 at 64x)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        got = b""
        while len(got) <= len(data):
            chunk = os.read(fd, len(data) + 1 - len(got))
            if not chunk:
                break
            got += chunk
        return got == data
    finally:
        os.close(fd)


def write_if_changed(path: Path, data: bytes) -> None:
    """Keep an identical file untouched, so checker caches keyed on mtime stay warm.

    A changed file gets an mtime at least one whole second past the old one: mypy calls a file fresh
    when its size and `int(st_mtime)` match its cache, so a same-size edit within a second would not
    be read again. The file is compared on every run, so a write lost in a crash is redone: no fsync.
    """
    try:
        if holds(path, data):  # the common case, an unchanged file: one open and read, no stat
            return
        old: os.stat_result | None = os.stat(path)
    except OSError:
        old = None
    if old is None and _write_new(path, data):
        return
    atomic_write_bytes(path, data, durable=False)
    if old is not None:
        later = max(path.stat().st_mtime_ns, (old.st_mtime_ns // 1_000_000_000 + 1) * 1_000_000_000)
        os.utime(path, ns=(later, later))


def _write_new(path: Path, data: bytes) -> bool:
    """A file that did not exist is written in place: one create instead of create, chmod and rename (a
    fresh stage of 9,000 cases spends most of its time there). Nothing reads it before the write ends,
    and a write torn by a crash leaves bytes that differ, which the next run's compare replaces.
    False (left to the atomic path) when the folder is missing or the name appeared meanwhile."""
    try:
        handle = open(path, "xb")  # noqa: SIM115 - closed below, and unlinked if the write fails
    except (FileExistsError, FileNotFoundError):
        return False  # the name appeared meanwhile, or no folder yet: the atomic path makes it
    except OSError as exc:
        raise EngineError(f"could not write {path}: {exc.strerror or exc}") from exc
    try:
        with handle:
            handle.write(data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)  # ours (O_EXCL made it): a half-written file (a full disk) is not left behind
        raise EngineError(f"could not write {path}: {exc.strerror or exc}") from exc
    return True


def check_writable_dir(path: Path, what: str) -> None:
    """Fail before the run, not after it, when an output folder cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".bgtyping-write-test.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise EngineError(f"{what} {path} is not writable: {exc.strerror or exc}") from exc
