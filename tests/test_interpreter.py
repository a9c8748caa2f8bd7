"""The target probe names installed versions exactly as importlib.metadata does, in every layout it reads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from bgtyping.host.interpreter import inspect_interpreter

from .support import ROOT, cli


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


# -- the probe is asked while the corpus loads: every way out stops it --------------------------------


def _slow_target(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An interpreter that takes 20 s to answer; it writes its pid on start and `ended` if it was let run."""
    pid, ended = tmp_path / "probe.pid", tmp_path / "probe.ended"
    wrapper = tmp_path / "slow" / "python"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho $$ > {pid}\nsleep 20\necho > {ended}\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, pid, ended


def _gone(pid: int) -> bool:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_refused_option_starts_no_probe(tmp_path: Path) -> None:
    wrapper, pid, _ = _slow_target(tmp_path)
    for bad in ("--checker=nosuch", "--python=2.7", "--junitxml=/etc/hostname/j.xml"):
        proc = cli(f"--target=inline={wrapper}", f"--workdir={tmp_path / 'w'}", bad)
        assert proc.returncode == 2, proc.stderr
        assert not pid.exists(), bad
    proc = cli(f"--target=bogus={wrapper}", f"--workdir={tmp_path / 'w'}")
    assert proc.returncode == 2
    assert "unknown target 'bogus'" in proc.stderr
    assert not pid.exists()


def test_bad_input_found_while_the_probe_runs_kills_it(tmp_path: Path) -> None:
    wrapper, pid, ended = _slow_target(tmp_path)
    proc = cli(f"--target=inline={wrapper}", f"--workdir={tmp_path / 'w'}", f"--corpus={tmp_path / 'none'}")
    assert proc.returncode == 2
    assert "no cases/ folder" in proc.stderr
    if pid.exists():  # it had started: it must be dead, not left to answer
        assert _gone(int(pid.read_text()))
    assert not ended.exists()


def test_sigterm_while_the_probe_runs_kills_it(tmp_path: Path) -> None:
    wrapper, pid, ended = _slow_target(tmp_path)
    engine = subprocess.Popen(
        [sys.executable, "-m", "bgtyping", f"--target=inline={wrapper}", f"--workdir={tmp_path / 'w'}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    for _ in range(200):
        if pid.exists() and pid.read_text().strip():
            break
        time.sleep(0.05)
    engine.send_signal(signal.SIGTERM)
    _, stderr = engine.communicate(timeout=60)
    assert engine.returncode == 143, stderr
    assert _gone(int(pid.read_text()))
    assert not ended.exists()
