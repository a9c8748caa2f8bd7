"""The engine as a library maintainer takes it: the built wheel in a fresh venv, run from a scratch repository.

Runs in the `build` session (BGTYPING_WHEEL_DIST names the folder with the built wheels). Every
command is the README's, run in a git repository that is not this one; afterwards that repository
holds nothing the user did not ask for.
"""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import pytest

from .support import ROOT

DIST = os.environ.get("BGTYPING_WHEEL_DIST")
pytestmark = pytest.mark.skipif(DIST is None, reason="run by the build session (nox -s build)")
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
# The README's library-CI recipe, verbatim after `pip install`.
CI_RECIPE = "bgtyping --checker mypy --checker pyright --github-annotations --junitxml typing.xml"


def sh(command: str, cwd: Path, env: Mapping[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, shell=True, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the engine's wheel, the pinned starlette/fastapi, mypy and pyright; a scratch repo."""
    assert DIST is not None
    tmp = tmp_path_factory.mktemp("outside")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (wheel,) = sorted(Path(DIST).glob("bgtyping-*.whl"))
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS)]
    subprocess.run([*pip, str(wheel), "starlette", "fastapi", "mypy", "pyright[nodejs]"], check=True)
    repo = tmp / "library"
    repo.mkdir()
    (repo / "app.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n", encoding="utf-8")
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "XDG_CACHE_HOME": str(tmp / "cache"),  # where the default workdir goes
        "PRE_COMMIT_HOME": str(tmp / "pre-commit"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    for command in ("git init -q", "git add app.py", "git commit -q -m library"):
        assert sh(command, repo, env).returncode == 0
    return repo, env


def untracked(repo: Path, env: Mapping[str, str]) -> list[str]:
    return sh("git status --porcelain --ignored --untracked-files=all", repo, env).stdout.splitlines()


def test_bgtyping_with_no_arguments(world: tuple[Path, dict[str, str]]) -> None:
    repo, env = world
    proc = sh("bgtyping", repo, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "starlette 1.10.0, fastapi 0.165.0; no stubs (inline types)" in proc.stderr
    assert "0 failed" in proc.stdout
    assert "0 of 2 runs broken" in proc.stdout
    assert untracked(repo, env) == []
    assert (Path(env["XDG_CACHE_HOME"]) / "bgtyping" / "stage").is_dir()


def test_the_ci_recipe(world: tuple[Path, dict[str, str]]) -> None:
    repo, env = world
    proc = sh(CI_RECIPE, repo, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line for line in proc.stdout.splitlines() if line.startswith("::")] == []
    suites = ET.parse(repo / "typing.xml").getroot().findall("testsuite")
    assert {s.attrib["name"] for s in suites} == {"mypy-inline-py3.11", "pyright-inline-py3.11"}
    assert all(s.attrib["failures"] == s.attrib["errors"] == "0" and int(s.attrib["tests"]) > 100 for s in suites)
    assert untracked(repo, env) == ["?? typing.xml"]  # the one file it was asked for
    (repo / "typing.xml").unlink()


def test_a_target_without_starlette_is_one_line(world: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo, env = world
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    bare = tmp_path / "bare" / "bin" / "python"
    proc = sh(f"bgtyping --target inline={bare}", repo, env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        f"error: target inline: starlette and fastapi are not importable by {bare} (Python "
        f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}); "
        f"install into it: {bare} -m pip install starlette fastapi\n"
    )


def test_the_pre_commit_hook(world: tuple[Path, dict[str, str]]) -> None:
    repo, env = world
    pre_commit = Path(sys.executable).parent / "pre-commit"
    proc = sh(f"{pre_commit} try-repo {ROOT} bgtyping-typing --all-files", repo, env, timeout=1500)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    assert untracked(repo, env) == []


PLUGIN_APP = """from collections.abc import Iterator
from fastapi import BackgroundTasks


async def send(address: str) -> None: ...


def rows() -> Iterator[int]:
    yield 1


BackgroundTasks().add_task(rows)
BackgroundTasks().add_task(lambda: send("a"))
BackgroundTasks().add_task(send, "a")
"""


def test_the_mypy_plugin_from_the_wheel(world: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """README: `plugins = bgtyping.mypy_plugin` in the project's mypy config, the engine installed beside mypy."""
    repo, env = world
    (repo / "jobs.py").write_text(PLUGIN_APP, encoding="utf-8")
    (repo / "mypy.ini").write_text("[mypy]\nplugins = bgtyping.mypy_plugin\n", encoding="utf-8")
    try:
        proc = sh(f"mypy --cache-dir={tmp_path / 'cache'} jobs.py", repo, env)
    finally:
        (repo / "jobs.py").unlink()
        (repo / "mypy.ini").unlink()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
    assert [(e.split(":")[1], e.rsplit("  ", 1)[-1]) for e in errors] == [
        ("12", "[bg-task-generator]"),
        ("13", "[bg-task-unawaited]"),
    ], proc.stdout
    assert untracked(repo, env) == []


SUITE = """\
- case: revealed
  main: |
    from fastapi import BackgroundTasks
    def send(email: str) -> None: ...
    BackgroundTasks().add_task(send, 1)  # ER: Argument 2 to "add_task" of "BackgroundTasks" has .*  \\[arg-type\\]
    reveal_type(send)  # N: Revealed type is "def (email: str)"
- case: parametrized
  parametrized:
    - value: 1
      type: int
    - value: "'a'"
      type: str
  main: |
    x = {{ value }}
    reveal_type(x)  # N: Revealed type is "{{ type }}"
"""


def test_bgtyping_yaml_from_the_wheel_in_a_scratch_folder(world: tuple[Path, dict[str, str]]) -> None:
    """The README's switch from pytest-mypy-plugins, without it installed: same files, same verdicts."""
    repo, env = world
    typing_dir = repo / "typesafety"
    typing_dir.mkdir()
    (typing_dir / "test-tasks.yml").write_text(SUITE, encoding="utf-8")
    (repo / "mypy.ini").write_text("[mypy]\nshow_error_codes = True\n", encoding="utf-8")
    proc = sh("bgtyping yaml typesafety --mypy-ini-file=mypy.ini -v", repo, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED typesafety/test-tasks.yml::revealed" in proc.stdout
    assert "PASSED typesafety/test-tasks.yml::parametrized[value='a',type=str]" in proc.stdout
    assert "3 passed, 0 failed, 0 skipped" in proc.stdout
    (typing_dir / "test-tasks.yml").write_text(SUITE.replace('"{{ type }}"', '"builtins.{{ type }}"'))
    proc = sh("bgtyping yaml typesafety --mypy-ini-file=mypy.ini", repo, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 passed, 2 failed" in proc.stdout
    assert untracked(repo, env) == ["?? mypy.ini", "?? typesafety/test-tasks.yml"]  # nothing it was not given
    (repo / "mypy.ini").unlink()
    (typing_dir / "test-tasks.yml").unlink()
    typing_dir.rmdir()


def test_pytest_runs_the_same_yaml_files_once_pytest_mypy_plugins_is_replaced(
    world: tuple[Path, dict[str, str]],
) -> None:
    """The drop-in: `pytest` as before, with bgtyping installed instead of pytest-mypy-plugins."""
    repo, env = world
    typing_dir = repo / "typesafety"
    typing_dir.mkdir()
    (typing_dir / "test-tasks.yml").write_text(SUITE, encoding="utf-8")
    (repo / "mypy.ini").write_text("[mypy]\nshow_error_codes = True\n", encoding="utf-8")
    command = "python -m pytest typesafety --mypy-ini-file=mypy.ini -p no:cacheprovider -v"
    proc = sh(command, repo, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for nodeid in ("revealed", "parametrized[value=1,type=int]", "parametrized[value='a',type=str]"):
        assert f"typesafety/test-tasks.yml::{nodeid} PASSED" in proc.stdout
    (typing_dir / "test-tasks.yml").write_text(SUITE.replace('"{{ type }}"', '"builtins.{{ type }}"'))
    proc = sh(command + " -k 'parametrized and int'", repo, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        'expected main:2: note: Revealed type is "builtins.int", got main:2: note: Revealed type is "int"'
        in proc.stdout
    )
    assert "1 failed, 2 deselected" in proc.stdout
    assert untracked(repo, env) == ["?? mypy.ini", "?? typesafety/test-tasks.yml"]
    (repo / "mypy.ini").unlink()
    (typing_dir / "test-tasks.yml").unlink()
    typing_dir.rmdir()


def test_the_drop_in_judges_every_case_under_pyright_too(world: tuple[Path, dict[str, str]]) -> None:
    """`--bgtyping-checker`: one more item per case and checker; not comparable is a skip with its reason."""
    repo, env = world
    typing_dir = repo / "typesafety"
    typing_dir.mkdir()
    (typing_dir / "test-tasks.yml").write_text(SUITE + NOT_FOR_PYRIGHT, encoding="utf-8")
    (repo / "mypy.ini").write_text("[mypy]\nshow_error_codes = True\n", encoding="utf-8")
    command = "python -m pytest typesafety --mypy-ini-file=mypy.ini -p no:cacheprovider -v -rs"
    proc = sh(command + " --bgtyping-checker=mypy,pyright", repo, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for nodeid in ("revealed", "revealed[pyright]", "parametrized[value=1,type=int]", "expected_to_fail"):
        assert f"typesafety/test-tasks.yml::{nodeid} PASSED" in proc.stdout
    # pyright reveals the literal type where mypy reveals int: a true difference, named on its line
    assert "typesafety/test-tasks.yml::parametrized[value=1,type=int][pyright] FAILED" in proc.stdout
    assert "main:2: revealed type Literal[1] is not the expected int" in proc.stdout
    assert "SKIPPED [1] typesafety/test-tasks.yml:21: not comparable under pyright: expect_fail" in proc.stdout
    assert "2 failed, 5 passed, 1 skipped" in proc.stdout
    proc = sh(command + " --bgtyping-checker=pyright -k expected_to_fail", repo, env)  # nothing checked: exit 1
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "error: every YAML item was not comparable under its checker: nothing was checked" in proc.stdout
    # a wrong call without its claim fails under pyright alone
    (typing_dir / "test-tasks.yml").write_text(SUITE.replace("  # ER: Argument 2", "  # Argument 2"))
    proc = sh(command + " --bgtyping-checker=pyright -k revealed", repo, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "typesafety/test-tasks.yml::revealed[pyright] FAILED" in proc.stdout
    assert "main:3: unexpected error reportArgumentType" in proc.stdout
    assert "1 failed, 2 deselected" in proc.stdout
    # another run on the same testing base: this one says so and waits, never sharing item folders
    base = repo.parent / "base"
    (base / "bgtyping-yaml").mkdir(parents=True)
    with open(base / "bgtyping-yaml" / ".lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = subprocess.Popen(
            f"{command} --bgtyping-checker=pyright -k revealed --mypy-testing-base={base}", shell=True, cwd=repo,
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert waiting.stderr is not None
        ready, _, _ = select.select([waiting.stderr], [], [], 300)  # never a hung CI run
        if not ready:
            waiting.kill()
        assert ready, "the second run said nothing while it waited"
        assert "waiting for another bgtyping run that uses" in waiting.stderr.readline()
        assert waiting.poll() is None
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, _ = waiting.communicate(timeout=600)
    assert waiting.returncode == 1
    assert "1 failed, 2 deselected" in out
    proc = sh(command + " --bgtyping-checker=pyrite", repo, env)
    assert proc.returncode == 4
    assert "--bgtyping-checker pyrite: unknown" in proc.stderr
    assert untracked(repo, env) == ["?? mypy.ini", "?? typesafety/test-tasks.yml"]
    (repo / "mypy.ini").unlink()
    (typing_dir / "test-tasks.yml").unlink()
    typing_dir.rmdir()


NOT_FOR_PYRIGHT = """\
- case: expected_to_fail
  expect_fail: true
  bgtyping:
    not-comparable:
      pyright: "expect_fail"
  main: |
    reveal_type(1)  # N: Revealed type is "builtins.str"
"""


IMPORT_ALL = """
import importlib, pkgutil, sys
import bgtyping
names = sorted(m.name for m in pkgutil.walk_packages(bgtyping.__path__, "bgtyping."))
for name in names:
    importlib.import_module(name)
print(len(names), " ".join(names))
"""


def test_every_module_of_the_installed_wheel_imports(world: tuple[Path, dict[str, str]]) -> None:
    """The wheel holds only what users run: each module imports with only its declared dependencies."""
    repo, env = world
    proc = sh(f"python -c '{IMPORT_ALL}'", repo, env)
    assert proc.returncode == 0, proc.stderr
    count, _, names = proc.stdout.strip().partition(" ")
    assert int(count) >= 30, proc.stdout  # the whole package was walked, not an empty one
    for tool in ("oracle", "mutate", "collateral", "envs"):  # development tools stay in the checkout
        assert not any(n.rsplit(".", 1)[-1] == tool for n in names.split()), names
    assert {"bgtyping.mypy_plugin", "bgtyping.plugin", "bgtyping.cli"} <= set(names.split())
