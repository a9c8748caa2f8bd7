"""bgtyping: a batched, fail-closed engine that runs type checkers over the background-task corpus."""

from __future__ import annotations

import re

from .model import CHECKER_NAMES, RUNTIME_PACKAGES
from .paths import CONSTRAINTS

# The distributions whose pinned versions `--version` names.
PINNED_DISTRIBUTIONS = (*CHECKER_NAMES, *RUNTIME_PACKAGES)


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
        if match.group(1).lower() in PINNED_DISTRIBUTIONS:
            found[match.group(1).lower()] = match.group(2)
    return found
