"""bgtyping: a batched, fail-closed engine that runs type checkers over the background-task corpus."""

from __future__ import annotations

import re
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _shipped_or_repo(shipped: str, repo: str) -> Path:
    """Inside the wheel the data sits in the package; in a checkout it sits beside it."""
    inside = _HERE / shipped
    return inside if inside.exists() else _HERE.parent / repo


CORPUS = _shipped_or_repo("corpus", "typing_tests")
CONSTRAINTS = _shipped_or_repo("constraints.txt", "requirements/constraints.txt")
CHECKER_DISTRIBUTIONS = ("mypy", "pyright", "basedpyright", "pyrefly", "ty", "zuban", "starlette", "fastapi")


def version() -> str:
    import importlib.metadata  # here, not at the top: it costs a tenth of the engine's start-up

    try:
        return importlib.metadata.version("bgtyping")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def pinned() -> dict[str, str]:
    """The checker and runtime versions this engine and corpus were tested against."""
    found: dict[str, str] = {}
    try:
        text = CONSTRAINTS.read_text(encoding="utf-8")
    except OSError:
        return found
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", text, re.M):
        if match.group(1).lower() in CHECKER_DISTRIBUTIONS:
            found[match.group(1).lower()] = match.group(2)
    return found
