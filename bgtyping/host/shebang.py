"""A console script's `#!` line: which interpreter starts it (the reuse key, the fork server)."""

from __future__ import annotations


def shebang_words(exe: str) -> list[str] | None:
    """The words of the script's `#!` line, or None for a native binary or an unreadable file."""
    try:
        with open(exe, "rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    return first[2:].decode("utf-8", errors="replace").split()
