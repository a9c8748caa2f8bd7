"""What the checker modules share: engine-written configs and file lists, path resolution, the JSON error."""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import cast

from ..fsutil import atomic_write
from ..model import Diagnostic, EngineError
from .protocol import RunSpec, Unsupported


class Defaults:
    """What most checkers share; a checker module overrides only what differs."""

    ok_exit_codes = frozenset({0, 1})  # 0 clean, 1 errors found; anything else is a crash
    keeps_cache = False
    reports_version = False
    unsupported: Mapping[str, Unsupported] = {}
    bare_reveal_codes: frozenset[str] = frozenset()
    # How its `reveal_type` diagnostic reads: the code it carries and the message, the type in group 1.
    reveal_code = ""
    reveal_message = re.compile(r'^Revealed type is "(.*)"$')

    def revealed(self, diag: Diagnostic) -> str | None:
        if diag.severity != "note" or diag.code != self.reveal_code:
            return None
        match = self.reveal_message.match(diag.message)
        return match.group(1) if match else None

    def inputs(self, env: Mapping[str, str]) -> tuple[Path, ...]:
        return ()


def not_its_output(checker: str, stdout: str, exc: Exception, where: str = "") -> EngineError:
    """The one error for output a checker's parser cannot read: the run is broken, never judged."""
    error = EngineError(f"{checker} printed something that is not its JSON output{where}: {stdout[:200]!r}")
    error.__cause__ = exc
    return error


def write_config(spec: RunSpec, name: str, text: str) -> Path:
    """An engine-written config in the run's own folder; every file there is part of the reuse key."""
    path = spec.workdir / name
    atomic_write(path, text)
    return path


def listable(spec: RunSpec) -> list[str]:
    """The batch's files as the strings a file list carries: no checker reads its files from argv.

    Past about 25,000 files a command line reaches the system's limit (ARG_MAX, "Argument list too
    long"), so each checker reads its list from a file the engine writes into the run's folder (which
    makes the list part of the reuse key). A path no list can carry is refused, never dropped: one
    that is relative (read against another folder), holds a line break, or is not valid Unicode.
    """
    found: list[str] = []
    for path in spec.files:
        text = str(path)
        if not path.is_absolute() or text.splitlines() != [text]:
            raise EngineError(f"a case file path a file list cannot carry: {text!r}")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise EngineError(f"a case file path that is not valid Unicode: {text!r}") from None
        found.append(text)
    return found


def relative(paths: Iterable[str], start: Path) -> list[str]:
    """`os.path.relpath(path, start)` of each absolute path: worked out once per folder, since relpath
    makes two absolute paths a call and thousands of staged files share a folder or two."""
    folders: dict[str, str] = {}
    found: list[str] = []
    for path in paths:
        head, tail = os.path.split(path)
        below = folders.get(head)
        if below is None:
            below = folders[head] = os.path.relpath(head, start)
        exact = tail in ("", ".", "..") or below == "."
        found.append(os.path.relpath(path, start) if exact else f"{below}/{tail}")
    return found


def listed(spec: RunSpec, name: str, entries: Iterable[str]) -> Path:
    """A list file in the run's folder, one entry a line, written atomically like every engine-written config."""
    return write_config(spec, name, "".join(f"{entry}\n" for entry in entries))


def toml_strings(entries: Iterable[str]) -> str:
    """A TOML array of strings, one a line: JSON's escapes (ASCII only, `\\uXXXX`) are TOML's too."""
    return "[\n" + "".join(f"    {json.dumps(entry)},\n" for entry in entries) + "]"


def glob_literal(path: str) -> str:
    """A path as a glob pattern that matches it alone (`[`, `*`, `?` bracketed), for a checker that globs its list."""
    return glob.escape(path)


def resolver(root: Path, staged: Collection[str] = ()) -> Callable[[str], str]:
    """Resolve a path a checker printed (relative to `root`) once per run, not once per diagnostic.

    A run prints the same few thousand paths many times over, and each `resolve()` is a stat per path
    component. A path that names a staged file once `..` is folded is taken as it stands: the staged
    files and the run folders `..` climbs out of are the engine's own, created by it below a resolved
    workdir, so no symlink can intervene. Anything else is resolved. Memoised per run.
    """
    seen: dict[str, str] = {}

    def resolve(path: str) -> str:
        found = seen.get(path)
        if found is None:
            joined = os.path.join(root, path)
            folded = os.path.normpath(joined)
            found = seen[path] = folded if folded in staged else str(Path(joined).resolve())
        return found

    return resolve


_WS = re.compile(r"[ \t\n\r]*")
_AFTER_VALUE = frozenset(" \t\n\r,:]}")
_DECODER = json.JSONDecoder()


class JsonStream:
    """A JSON document read one member at a time: a checker's 20 MB report never becomes one tree of dicts,
    and, read from its chunks, never one string either.

    It accepts exactly what `json.loads` accepts for an array or an object (a key given twice is refused,
    as a report that says two things); `end()` proves nothing follows.
    """

    def __init__(self, source: str | Iterable[str]) -> None:
        self.text = source if isinstance(source, str) else ""
        self.pos = 0
        self._base = 0  # where `text` starts in the whole document, for error positions
        self._rest: Iterator[str] | None = None if isinstance(source, str) else iter(source)

    def _more(self, pieces: int = 1) -> bool:
        """Drop what was read and append the next pieces; False when the document has no more."""
        added: list[str] = []
        for _ in range(pieces):
            piece = next(self._rest, None) if self._rest is not None else None
            if piece is None:
                self._rest = None
                break
            added.append(piece)
        if not added:
            return False
        self._base += self.pos
        self.text = self.text[self.pos :] + "".join(added)
        self.pos = 0
        return True

    def _peek(self) -> str:
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]  # matches the empty string
            if self.pos < len(self.text) or not self._more():
                return self.text[self.pos : self.pos + 1]

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r} at character {self._base + self.pos}")
        self.pos += 1

    def value(self) -> object:
        self._peek()
        pieces = 1
        while True:
            try:
                found, end = _DECODER.raw_decode(self.text, self.pos)
            except ValueError:
                if self._rest is None:
                    raise
            else:
                # Complete only if what follows can only follow a value (`2.` may be the start of
                # `2.5e3`), or nothing can.
                if self._rest is None or self.text[end : end + 1] in _AFTER_VALUE:
                    self.pos = end
                    return cast(object, found)
            self._more(pieces)
            pieces *= 2  # a value longer than a piece is decoded again: from ever more text, so linear overall

    def items(self) -> Iterator[object]:
        """The elements of the array that comes next."""
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self._peek() != ",":
                self._expect("]")
                return
            self.pos += 1

    def members(self) -> Iterator[str]:
        """The keys of the object that comes next; the caller reads each one's value (`value`, `items`)."""
        self._expect("{")
        if self._peek() == "}":
            self.pos += 1
            return
        seen: set[str] = set()
        while True:
            key = self.value()
            if not isinstance(key, str) or key in seen:
                raise ValueError(
                    f"a key that is not a string, or given twice, before character {self._base + self.pos}"
                )
            seen.add(key)
            self._expect(":")
            yield key
            if self._peek() != ",":
                self._expect("}")
                return
            self.pos += 1

    def end(self) -> None:
        if self._peek():
            raise ValueError(f"extra data at character {self._base + self.pos}")
