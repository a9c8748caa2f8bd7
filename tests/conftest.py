"""Fixtures shared by the engine's unit tests: small corpora, checked environments, fake checkers."""

from __future__ import annotations

import site
import stat
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bgtyping import checkers
from devtools.envs import overlay_env

from .support import STUB_PACKAGES, MakeCorpus, MakeEnv

pytest_plugins = ["pytester"]


@pytest.fixture
def make_corpus(tmp_path: Path) -> MakeCorpus:
    """Write a corpus folder: {relative path below cases/: source}, plus divergences.toml."""

    def make(cases: dict[str, str], divergences: str = "", name: str = "corpus") -> Path:
        root = tmp_path / name
        for rel, source in cases.items():
            path = root / "cases" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        (root / "cases").mkdir(parents=True, exist_ok=True)
        (root / "divergences.toml").write_text(textwrap.dedent(divergences), encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def make_env(tmp_path_factory: pytest.TempPathFactory) -> MakeEnv:
    def make(stub_packages: list[Path] | None = None, *, runtime: bool = True) -> Path:
        # A venv that sees this interpreter's site-packages (starlette, fastapi) plus the given stubs.
        sites = site.getsitepackages() if runtime else []
        return overlay_env(tmp_path_factory.mktemp("env"), sites, stub_packages or [])[0]

    return make


@pytest.fixture(scope="session")
def inline_python(make_env: MakeEnv) -> Path:
    return make_env([])


@pytest.fixture(scope="session")
def stubs_python(make_env: MakeEnv) -> Path:
    return make_env(STUB_PACKAGES)


@pytest.fixture
def fake_checker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Replace a registered checker's executable by a shell script, keeping its parser."""

    def install(name: str, script: str) -> None:
        exe = tmp_path / f"fake-{name}"
        exe.write_text("#!/bin/sh\n" + textwrap.dedent(script), encoding="utf-8")
        exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
        real = checkers.CHECKERS[name]
        fake = type(f"Fake{type(real).__name__}", (type(real),), {"executable": str(exe)})()
        monkeypatch.setitem(checkers.CHECKERS, name, fake)

    return install
