"""Built wheels, installed into a fresh venv, are what every checker resolves starlette/fastapi.background to.

Runs in the `build` session, which builds the wheels, installs them with the pinned starlette and
fastapi into a new venv and names its interpreter in BGTYPING_WHEEL_ENV. Each proof comes from the
checker's own report, never from pip's file list. zuban is left out: it does not read partial stub
packages (zubanls/zuban#354), which the corpus run reports as unsupported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ENV = os.environ.get("BGTYPING_WHEEL_ENV")
DIST = os.environ.get("BGTYPING_WHEEL_DIST")
pytestmark = pytest.mark.skipif(ENV is None, reason="run by the build session (nox -s build)")

PROBE = """from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.responses import Response


def job(x: int) -> None: ...


BackgroundTasks().add_task()
BackgroundTask()
Response(status_code="s")
"""


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("probe") / "probe.py"
    path.write_text(PROBE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site() -> str:
    assert ENV is not None
    return subprocess.run(
        [ENV, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def output(*command: str) -> str:
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    return proc.stdout + proc.stderr


def expect(report: str, site: str) -> None:
    """Our two stub modules, and upstream's own module for the rest of the package (the stubs are partial)."""
    for path in ("starlette-stubs/background.pyi", "fastapi-stubs/background.pyi", "starlette/responses.py"):
        assert f"{site}/{path}" in report, f"{path} not in the checker's report"
    assert f"{site}/starlette/background.py" not in report


def test_mypy_parses_the_stub_files(probe: Path, site: str) -> None:
    assert ENV is not None
    log = output(tool("mypy"), "-v", "--no-incremental", "--python-executable", ENV, str(probe))
    expect("\n".join(line.split("Parsing ", 1)[1] for line in log.splitlines() if "LOG:  Parsing " in line), site)


@pytest.mark.parametrize("checker", ["pyright", "basedpyright"])
def test_pyright_family_imports_the_stub_files(probe: Path, site: str, checker: str) -> None:
    assert ENV is not None
    report = output(tool(checker), "--pythonpath", ENV, "--dependencies", "--verbose", str(probe))
    expect(report.replace("file://", ""), site)


def test_ty_points_its_diagnostics_at_the_stub_files(probe: Path, site: str) -> None:
    assert ENV is not None
    report = output(tool("ty"), "check", "--python", ENV, "--output-format", "full", "--color", "never", str(probe))
    # ty points at each callee's definition, with a path relative to the working directory.
    locations = [line.split("--> ", 1)[1].rsplit(":", 2)[0] for line in report.splitlines() if "--> " in line]
    expect("\n".join(str(Path(p).resolve()) for p in locations), site)


def test_pyrefly_hover_shows_the_stub_docstrings(probe: Path) -> None:
    assert ENV is not None
    hovers = [
        (9, 20, "Queue `func(*args, **kwargs)` to run after the response."),
        (10, 3, "Store `func` with the arguments it will be called with."),
    ]
    for line, column, text in hovers:
        hover = output(
            tool("pyrefly"), "query", "hover", str(probe), str(line), str(column), "--python-interpreter-path", ENV
        )
        assert text in hover, hover


def test_wheel_metadata_is_complete() -> None:
    assert DIST is not None
    wheels = sorted(Path(DIST).glob("types_*.whl"))
    assert len(wheels) == 2
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            meta = HeaderParser().parsestr(archive.read(name).decode())
            files = archive.namelist()
        assert meta["Name"].startswith("types-")
        assert meta["Requires-Python"] == ">=3.10"
        assert "Typing :: Stubs Only" in meta.get_all("Classifier", [])
        assert meta["License-Expression"] == "MIT"
        assert meta.get_all("Project-URL")
        assert meta["Description-Content-Type"] == "text/markdown"
        assert "Partial PEP 561 stubs" in meta.get_payload()
        assert any(f.endswith("-stubs/py.typed") for f in files)
        assert any(f.endswith("-stubs/background.pyi") for f in files)


def built_stubs(dist: Path) -> dict[str, tuple[Version, list[str]]]:
    """Per stub distribution in `dist`: the version of its wheel and the wheel's Requires-Dist lines."""
    found: dict[str, tuple[Version, list[str]]] = {}
    for wheel in sorted(dist.glob("types_*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            meta = HeaderParser().parsestr(archive.read(name).decode())
        found[meta["Name"]] = (Version(meta["Version"]), meta.get_all("Requires-Dist", []))
    return found


def test_fastapi_stub_wheel_requires_the_starlette_stub() -> None:
    """The fastapi stub subclasses starlette's class: its wheel must pull in our starlette stub, as built beside it."""
    assert DIST is not None
    found = built_stubs(Path(DIST))
    requires = [Requirement(line) for line in found["types-fastapi-background"][1]]
    starlette = [r for r in requires if r.name == "types-starlette-background"]
    assert starlette, f"no Requires-Dist: types-starlette-background in {found['types-fastapi-background'][1]}"
    built = found["types-starlette-background"][0]
    assert built in starlette[0].specifier, f"{starlette[0]} rejects the starlette stub built beside it ({built})"
    # METADATA.toml (typeshed's `requires`) says what the wheel says, for both stubs.
    for meta in sorted((Path(__file__).parent.parent / "stubs").glob("*/METADATA.toml")):
        name = tomllib.loads((meta.parent / "pyproject.toml").read_text())["project"]["name"]
        declared = sorted(tomllib.loads(meta.read_text()).get("requires", []))
        assert sorted(found[name][1]) == declared, f"{meta}: `requires` is not the wheel's Requires-Dist"
