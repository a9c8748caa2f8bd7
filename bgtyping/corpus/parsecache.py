"""What parsing a case found, kept by the case's content, so an unchanged case is not parsed again.

Parsing (`ast.parse`, the comment scan, the marker checks) is the engine's largest cost per case. Its
result depends only on the file's name and bytes, on which divergence ids exist, on this interpreter's
version and on the parser's own source: the key holds the first two, each entry the ids it names (all
must still exist, or the case is parsed again and reports the error), and the file's header the last
two (any change empties the cache). Only cases that parsed cleanly are kept; a broken case is parsed,
and rejected, on every run. An unreadable or foreign cache file is ignored, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from ..fsutil import atomic_write
from ..model import CHECKER_NAMES, KINDS, EngineError, LineSpec

# 2: each entry is its own JSON text, decoded when its case is read: a 9,000-case cache loaded as one
# object tree took 20 MB for a moment, which the process kept as its peak.
# 3: each line's claim is its own JSON text too, decoded once per distinct claim: most lines of a large
# corpus repeat one, and building each anew was half of loading a 9,000-case corpus.
_FORMAT = 3
# The modules whose code decides what a case parses to.
_PARSER = (
    "corpus/pycases.py", "corpus/comments.py", "corpus/parsecache.py", "corpus/yamlfile.py", "model.py", "escape.py"
)  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    claim: str
    lines: Mapping[int, LineSpec]
    static_only: str | None


def _parser_id() -> str:
    digest = hashlib.sha256(sys.version.encode())
    engine = Path(__file__).resolve().parents[1]
    for name in _PARSER:
        digest.update(b"\0" + (engine / name).read_bytes())
    return digest.hexdigest()


def key(name: str, data: bytes) -> str:
    return hashlib.sha256(name.encode() + b"\0" + data).hexdigest()


class ParseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.parser = _parser_id()
        self._entries: dict[str, object] = {}
        self._used: dict[str, object] = {}  # what this run read or wrote: all a save keeps
        self._specs: dict[str, LineSpec] = {}
        self._added = False
        try:
            raw: object = json.loads(path.read_bytes())
            doc = cast(dict[str, object], raw) if isinstance(raw, dict) else {}
            entries = doc.get("entries")
            if doc.get("format") == _FORMAT and doc.get("parser") == self.parser and isinstance(entries, dict):
                self._entries = cast(dict[str, object], entries)
        except (OSError, ValueError, RecursionError):
            pass  # none yet, or not ours (nested past what json reads): parse everything

    def get(self, name: str, data: bytes, divergences: Mapping[str, object]) -> Parsed | None:
        found = key(name, data)
        entry = self._entries.get(found)
        try:
            decoded: object = json.loads(entry) if isinstance(entry, str) else None
            claim, static_only, raw_lines = cast(tuple[object, object, dict[str, str]], decoded)
            lines: dict[int, LineSpec] = {}
            for number, text in raw_lines.items():
                spec = self._specs.get(text)
                if spec is None:  # one object per distinct claim
                    spec = self._specs[text] = _spec(text)
                if spec.divergences and not all(i in divergences for i in spec.divergences):
                    return None  # parsed again, so the unknown id is reported as parsing reports it
                line = int(number)
                if line < 1 or str(line) != number:  # `0`, `-1`, `01` beside `1`: not what this code wrote
                    return None
                lines[line] = spec
        except (TypeError, ValueError, AttributeError, RecursionError):
            return None  # absent, or not an entry this code wrote
        if not isinstance(claim, str) or not (static_only is None or isinstance(static_only, str)):
            return None
        self._used[found] = entry
        return Parsed(claim, lines, static_only)

    def put(self, name: str, data: bytes, parsed: Parsed) -> Parsed:
        """Keep `parsed`; returned with each claim the one object the cache holds for its text, as `get`
        gives it (a fresh 9,000-case corpus built 35,000 claims for 61 distinct ones: 20 MB)."""
        texts = {n: _spec_text(s) for n, s in parsed.lines.items()}
        lines = {n: self._specs.setdefault(text, parsed.lines[n]) for n, text in texts.items()}
        raw = {str(n): text for n, text in texts.items()}
        self._used[key(name, data)] = json.dumps([parsed.claim, parsed.static_only, raw], separators=(",", ":"))
        self._added = True
        return Parsed(parsed.claim, lines, parsed.static_only)

    def text(self, name: str, data: bytes) -> str | None:
        """What another parser kept for this file (corpus/yamlfile.py: PyYAML's result as JSON), or None."""
        found = key(name, data)
        entry = self._entries.get(found)
        if not isinstance(entry, str):
            return None
        self._used[found] = entry
        return entry

    def keep(self, name: str, data: bytes, text: str) -> None:
        self._used[key(name, data)] = text
        self._added = True

    def save(self) -> None:
        """Written only when a case was parsed, keeping this run's entries (so an edited case's old entry
        goes); a failed write costs the next run a parse, nothing more."""
        if not self._added:
            return
        text = json.dumps({"format": _FORMAT, "parser": self.parser, "entries": self._used}, separators=(",", ":"))
        with contextlib.suppress(EngineError):
            atomic_write(self.path, text)


def _spec_text(spec: LineSpec) -> str:
    data = [sorted(spec.kinds), {c: sorted(v) for c, v in spec.explicit.items()}, list(spec.divergences)]
    return json.dumps(data, separators=(",", ":"))


def _spec(text: str) -> LineSpec:
    """A line's claim from its text; anything this code did not write raises TypeError or ValueError."""
    kinds, explicit, diverge = cast(list[object], json.loads(text))
    if not (isinstance(kinds, list) and isinstance(explicit, dict) and isinstance(diverge, list)):
        raise TypeError("not a claim")
    codes = cast(dict[object, object], explicit)
    if not all(isinstance(v, list) for v in codes.values()):
        raise TypeError("not a claim")
    listed = cast(list[list[object]], list(codes.values()))
    words = [*cast(list[object], kinds), *cast(list[object], diverge), *codes, *(c for v in listed for c in v)]
    if not all(isinstance(w, str) for w in words):
        raise TypeError("not a claim")
    if not (set(cast(list[str], kinds)) <= KINDS.keys() and set(cast(dict[str, object], codes)) <= set(CHECKER_NAMES)):
        raise ValueError("a kind or checker that parsing never gives")
    return LineSpec(
        frozenset(cast(list[str], kinds)),
        {str(c): frozenset(cast(list[str], v)) for c, v in codes.items()},
        tuple(cast(list[str], diverge)),
    )
