"""The target probe names installed versions exactly as importlib.metadata does, in every layout it reads."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from bgtyping.host.interpreter import inspect_interpreter


def _dist(folder: Path, child: str, version: str, metadata: str = "METADATA") -> None:
    (folder / child).mkdir(parents=True)
    (folder / child / metadata).write_text(f"Metadata-Version: 2.1\nName: x\nVersion: {version}\n\nbody\n")


def _importlib_says(env: dict[str, str], cwd: Path, name: str) -> str:
    script = f"import importlib.metadata as md; print(md.version({name!r}))"
    return subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_versions_read_by_listing_agree_with_importlib_metadata(tmp_path: Path) -> None:
    """Name spelling, path order, an egg-info file and a zip on the path: what importlib.metadata finds, or it."""
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first, "Starlette-9.9.dist-info", "9.9")  # spelt as a wheel of another case spells it
    _dist(second, "starlette-1.0.dist-info", "1.0")  # later on the path: shadowed
    first.mkdir(exist_ok=True)
    (first / "fastapi-8.8.egg-info").write_text("Metadata-Version: 1.1\nName: fastapi\nVersion: 8.8\n")  # a file
    zipped = tmp_path / "eggs.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("starlette-7.7.dist-info/METADATA", "Metadata-Version: 2.1\nName: starlette\nVersion: 7.7\n")
    cases = {
        "listed": os.pathsep.join([str(first), str(second)]),
        "a zip first": os.pathsep.join([str(zipped), str(first), str(second)]),
    }
    seen: dict[str, dict[str, str | None]] = {}
    for label, path in cases.items():
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": path}
        interp = inspect_interpreter(Path(sys.executable), env, tmp_path)
        seen[label] = {name: interp.version_of(name) for name in ("starlette", "fastapi")}
        for name in ("starlette", "fastapi"):
            assert seen[label][name] == _importlib_says(env, tmp_path, name), (label, name)
    assert seen == {
        "listed": {"starlette": "9.9", "fastapi": "8.8"},
        "a zip first": {"starlette": "7.7", "fastapi": "8.8"},
    }
