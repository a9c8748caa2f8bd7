"""Registry of supported checkers: one module each, behind the TypeChecker protocol."""

from __future__ import annotations

import contextlib
from collections.abc import Generator

from ..model import CHECKER_NAMES, KINDS, EngineError
from .basedpyright import Basedpyright
from .mypy import Mypy
from .protocol import TypeChecker as TypeChecker
from .pyrefly import Pyrefly
from .pyright import Pyright
from .ty import Ty
from .zuban import Zuban

CHECKERS: dict[str, TypeChecker] = {c.name: c for c in (Mypy(), Pyright(), Basedpyright(), Pyrefly(), Ty(), Zuban())}


def get(name: str) -> TypeChecker:
    try:
        return CHECKERS[name]
    except KeyError:
        raise EngineError(f"unknown checker {name!r}; known: {', '.join(CHECKERS)}") from None


@contextlib.contextmanager
def replaced(checker: TypeChecker) -> Generator[None]:
    """Run `checker` under its name for a while (the plugin's collateral check and mutation test)."""
    previous = CHECKERS[checker.name]
    CHECKERS[checker.name] = checker
    try:
        yield
    finally:
        CHECKERS[checker.name] = previous


def _check_tables() -> None:
    if tuple(CHECKERS) != CHECKER_NAMES:  # the vocabulary names exactly the modules here, in its order
        raise EngineError(f"checker modules {list(CHECKERS)} do not match model.CHECKER_NAMES {list(CHECKER_NAMES)}")
    # A checker without a code for some kind would make that kind's expectations meaningless.
    for checker in CHECKERS.values():
        missing = set(KINDS) - set(checker.codes)
        if missing:
            raise EngineError(f"checker {checker.name} has no codes for kinds {sorted(missing)}")


_check_tables()
