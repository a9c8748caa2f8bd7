"""Helpers the tests import; fixtures live in conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUB_PACKAGES = sorted(ROOT.glob("stubs/*/*-stubs"))

MakeCorpus = Callable[..., Path]
MakeEnv = Callable[..., Path]


def cli(*args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    """The engine's CLI in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bgtyping", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
