"""Throwaway checked environments: a venv without pip that borrows packages through a .pth file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_PURELIB = "import sysconfig; print(sysconfig.get_path('purelib'))"


def purelib(python: Path) -> Path:
    return Path(
        subprocess.run([str(python), "-c", _PURELIB], check=True, capture_output=True, text=True).stdout.strip()
    )


def overlay_env(where: Path, sites: Sequence[str | Path], stub_packages: Sequence[Path]) -> tuple[Path, Path]:
    """A venv that sees `sites` (starlette, fastapi, ...) and holds its own copies of `stub_packages`.

    Returns its interpreter and its site-packages, where the stub copies may be rewritten in place.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    lib = purelib(python)
    if sites:
        (lib / "_borrowed.pth").write_text("".join(f"{s}\n" for s in sites), encoding="utf-8")
    for package in stub_packages:
        shutil.copytree(package, lib / package.name)
    return python, lib
