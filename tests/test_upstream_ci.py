"""The README's recipes for starlette's and fastapi's own CI, run from checkouts of their pinned releases.

Runs in the `build` session (BGTYPING_WHEEL_DIST names the folder with the built wheels) and needs the
package registry: each checkout is the sdist of the pinned release, unpacked and committed with git, and
installed editable into one venv with the engine's wheel and the checkers. Each recipe runs three ways,
as a maintainer's change would: unpatched (exit 0), with the library's typing improved (exit 0 and a
notice), and with add_task untyped (exit 1, the annotation on their own background.py, a short summary).
Afterwards the checkout holds only the change made to it and the JUnit file the recipe asks for.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import pytest

from bgtyping import pinned

from .support import ROOT
from .test_outside import CONSTRAINTS, DIST, sh

pytestmark = pytest.mark.skipif(DIST is None, reason="run by the build session (nox -s build)")
README = ROOT / "README.md"
WHEEL_NAME = "bgtyping-0.1.0-py3-none-any.whl"


def recipe(upstream: str) -> list[str]:
    """The `run:` lines of the workflow step under the README's "In <upstream>'s CI" heading."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"### In {upstream}'s CI\n", 1)[1].split("\n#", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    run = block.split("run: |\n", 1)[1]
    return [line.strip() for line in run.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """One venv for both checkouts (the checkers are installed once); the engine's wheel; a scratch HOME cache."""
    assert DIST is not None
    tmp = tmp_path_factory.mktemp("upstream")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (wheel,) = sorted(Path(DIST).glob("bgtyping-*.whl"))
    assert wheel.name == WHEEL_NAME  # the name the README's recipe installs
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(Path.home()),  # pyright's package is downloaded once per user, as in test_outside
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "PIP_CONSTRAINT": str(CONSTRAINTS),  # the pins, for the packages the recipe leaves unpinned
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return tmp, env, wheel


def checkout(tmp: Path, env: Mapping[str, str], name: str) -> Path:
    """The pinned release's sdist from the registry, unpacked and committed as a git checkout."""
    version = pinned()[name]
    download = tmp / f"{name}-sdist"
    command = f"python -m pip download -q --no-binary :all: --no-deps {name}=={version} -d {download}"
    proc = sh(command, tmp, env)
    assert proc.returncode == 0, proc.stderr
    (sdist,) = download.glob(f"{name}-{version}.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp, filter="data")
    repo = tmp / f"{name}-{version}"
    git = "git -c user.name=t -c user.email=t@example.invalid"
    for command in ("git init -q", "git add -A", f"{git} commit -q -m sdist"):
        assert sh(command, repo, env).returncode == 0
    return repo


def status(repo: Path, env: Mapping[str, str]) -> list[str]:
    return sorted(sh("git status --porcelain --ignored --untracked-files=all", repo, env).stdout.splitlines())


def install(repo: Path, env: Mapping[str, str], wheel: Path, steps: list[str]) -> str:
    """Every install line of the recipe, run in the checkout; returns the command line that runs bgtyping."""
    *installs, command = steps
    for name, version in re.findall(r"([a-z]+)(?:\[\w+\])?==([\w.]+)", " ".join(installs)):
        assert pinned()[name] == version, f"the README pins {name} {version}, the project {pinned()[name]}"
    for line in installs:
        proc = sh(line.replace(WHEEL_NAME, str(wheel)), repo, env)
        assert proc.returncode == 0, line + "\n" + proc.stdout + proc.stderr
    assert command.startswith("bgtyping ")
    return command


def patch(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def workflow_commands(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("::")]


def check_run(
    repo: Path, env: Mapping[str, str], command: str, before: list[str], changed: str | None
) -> tuple[subprocess.CompletedProcess[str], ET.Element]:
    """Run the recipe's command; afterwards the checkout holds its change and typing.xml, nothing else.

    Returns the process and the JUnit report (then removed, so the next run starts from the same state)."""
    proc = sh(command, repo, env)
    junit = ET.parse(repo / "typing.xml").getroot()
    after = status(repo, env)
    expected = sorted([*before, "?? typing.xml", *([f" M {changed}"] if changed else [])])
    assert after == expected, proc.stdout + proc.stderr
    for annotation in workflow_commands(proc.stdout):  # never a file that is not in the checkout
        for rel in re.findall(r"file=([^,]+),", annotation):
            assert sh(f"git ls-files --error-unmatch {rel}", repo, env).returncode == 0, annotation
    (repo / "typing.xml").unlink()
    return proc, junit


def passes(run: tuple[subprocess.CompletedProcess[str], ET.Element]) -> str:
    proc, junit = run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout
    assert junit.findall(".//failure") == []
    return proc.stdout


def regression(repo: Path, env: Mapping[str, str], command: str, before: list[str], module: str, qualname: str) -> None:
    """add_task untyped: exit 1, one grouped annotation on the maintainer's own def, a summary under 80 lines."""
    source = repo / module
    lines = source.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if text.lstrip().startswith("def add_task("))
    proc, junit = check_run(repo, env, command, before, module)
    failures = junit.findall(".//failure")
    stdout = proc.stdout
    assert proc.returncode == 1, stdout + proc.stderr
    located = [a for a in workflow_commands(stdout) if a.startswith(f"::error file={module},line={line},")]
    assert any("title=bgtyping%3A BackgroundTasks.add_task no longer checks task arguments::" in a for a in located)
    summary = [x for x in stdout.splitlines() if x and not x.startswith("::")]
    assert len(summary) <= 80, "\n".join(summary)
    assert summary[0].startswith(f"FAILED {qualname} (defined at {module}:{line}) no longer checks task arguments: "), (
        summary[0]
    )
    total = int(re.search(r"^\((\d+) failed lines in all", stdout, re.M).group(1))  # type: ignore[union-attr]
    listed = sum(1 for f in failures for x in (f.text or "").split("\n") if x.startswith("line "))
    assert listed == total  # the full list is in the JUnit file


def unpatched(world: tuple[Path, dict[str, str], Path], name: str) -> tuple[Path, dict[str, str], str, list[str]]:
    """The checkout, the recipe installed in it, and its first run: as released, it passes, with no notice."""
    tmp, env, wheel = world
    repo = checkout(tmp, env, name)
    command = install(repo, env, wheel, recipe(name))
    before = status(repo, env)
    assert workflow_commands(passes(check_run(repo, env, command, before, None))) == []  # nor any notice
    return repo, env, command, before


def test_the_recipe_in_a_starlette_checkout(world: tuple[Path, dict[str, str], Path]) -> None:
    repo, env, command, before = unpatched(world, "starlette")
    background = repo / "starlette" / "background.py"

    # The maintainer declares the attribute types: the ParamSpec no longer leaks, and the corpus says so.
    patch(background, "class BackgroundTask:\n", "class BackgroundTask:\n    func: Callable[..., Any]\n"
          "    args: tuple[Any, ...]\n    kwargs: dict[str, Any]\n    is_async: bool\n\n")  # fmt: skip
    patch(background, "class BackgroundTasks(BackgroundTask):\n",
          "class BackgroundTasks(BackgroundTask):\n    tasks: list[BackgroundTask]\n\n")  # fmt: skip
    result = passes(check_run(repo, env, command, before, "starlette/background.py"))
    for ident in ("inline-attribute-func-paramspec", "inline-attribute-args-paramspec"):
        assert f"so the recorded divergence [{ident}] no longer reproduces. The entry can be retired" in result
    assert "notice: starlette's own typing improved: mypy and pyright now type-check" in result
    assert "::notice file=starlette/background.py,line=12," in result  # class BackgroundTask
    assert sh("git checkout -q starlette/background.py", repo, env).returncode == 0

    patch(background, "func: Callable[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:\n        task",
          "func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:\n        task")  # fmt: skip
    regression(repo, env, command, before, "starlette/background.py", "starlette.background.BackgroundTasks.add_task")
    assert sh("git checkout -q starlette/background.py", repo, env).returncode == 0


def test_the_recipe_in_a_fastapi_checkout(world: tuple[Path, dict[str, str], Path]) -> None:
    repo, env, command, before = unpatched(world, "fastapi")
    background = repo / "fastapi" / "background.py"

    # fastapi declares its own __init__ (with `-> None`) and the task list: ty now sees None, as the runtime.
    patch(background, "from collections.abc import Callable\n", "from collections.abc import Callable, Sequence\n")
    patch(background, "from starlette.background import BackgroundTasks as StarletteBackgroundTasks\n",
          "from starlette import background as _background\n"
          "from starlette.background import BackgroundTasks as StarletteBackgroundTasks\n")  # fmt: skip
    patch(background, "    def add_task(\n",
          "    tasks: list[_background.BackgroundTask]\n\n"
          "    def __init__(self, tasks: Sequence[_background.BackgroundTask] | None = None) -> None:\n"
          "        super().__init__(tasks)\n\n    def add_task(\n")  # fmt: skip
    result = passes(check_run(repo, env, command, before, "fastapi/background.py"))
    assert "notice: fastapi's own typing improved: ty now type-checks 1 line of check_api_init_returns_none" in result
    assert "[inline-tasks-init-unannotated-return] no longer reproduces. The entry can be retired" in result
    assert re.search(r"^::notice file=fastapi/background\.py,line=\d+,", result, re.M), result
    assert sh("git checkout -q fastapi/background.py", repo, env).returncode == 0

    patch(background, "            Callable[P, Any],\n", "            Callable[..., Any],\n")
    patch(
        background,
        "        *args: P.args,\n        **kwargs: P.kwargs,\n",
        "        *args: Any,\n        **kwargs: Any,\n",
    )
    regression(repo, env, command, before, "fastapi/background.py", "fastapi.background.BackgroundTasks.add_task")
    assert sh("git checkout -q fastapi/background.py", repo, env).returncode == 0
