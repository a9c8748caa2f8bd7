"""Helpers the tests import; fixtures live in conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bgtyping.host.interpreter import Interpreter

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


def linked_site(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """A site-packages folder with one module hard-linked from outside it, as uv installs from its cache."""
    site = tmp_path / "site"
    site.mkdir()
    module = site / "rules.py"
    module.write_text(text, encoding="utf-8")
    os.link(module, tmp_path / "uv-cache-rules.py")
    return site, module


def tree_digest(root: Path, *, everything: bool = False, memo_file: Path | None = None) -> str:
    """What the reuse key takes from a folder (fingerprint_tree), with the content memo saved when given."""
    import hashlib

    from bgtyping.reuse.fingerprint import ContentMemo, fingerprint_tree

    digest = hashlib.sha256()
    if memo_file is None:
        fingerprint_tree(digest, root, everything=everything)
        return digest.hexdigest()
    memo = ContentMemo(memo_file)
    fingerprint_tree(digest, root, everything=everything, memo=memo)
    memo.save()
    return digest.hexdigest()


def fake_interpreter(prefix: Path, path: Sequence[Path], stdlib: Sequence[Path] = ()) -> Interpreter:
    """An interpreter as a target reports itself, over folders a test lays down (nothing is run)."""
    from bgtyping.host.interpreter import Interpreter

    return Interpreter(
        given=prefix / "bin" / "python",
        executable=prefix / "bin" / "python",
        prefix=str(prefix),
        base_prefix=str(prefix),
        version="3.11.7",
        path=tuple(map(str, path)),
        packages={},
        stubs={},
        stdlib=tuple(map(str, stdlib)),
    )
