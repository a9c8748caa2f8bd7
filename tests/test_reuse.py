"""Differential: after every perturbation, a `--reuse` rerun gives exactly the verdicts of a fresh run.

Each perturbation changes something a checker could read (or something it must not read). A cache
that missed it would give the old verdicts; a hermetic run must ignore what the engine does not pass.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import site
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bgtyping.cli import main
from bgtyping.engine import run as engine_run
from bgtyping.engine.stage import Stage, stage
from bgtyping.model import Plan
from devtools.envs import overlay_env, purelib

from .support import ROOT, fake_interpreter, linked_site, tree_digest

CASES = "sync/check_starlette_sync_p*"
CHECKERS = ("mypy", "ty", "pyrefly")
ADD_TASK = "*args: P.args, **kwargs: P.kwargs) -> None:\n        task"
SAME_SIZE = "*args: Any   , **kwargs: Any     ) -> None:\n        task"  # add_task stops checking arguments


@dataclass
class World:
    """A target environment with its own starlette, which the perturbations may change."""

    tmp: Path
    python: Path
    starlette: Path
    target: str
    monkeypatch: pytest.MonkeyPatch


def _background(world: World) -> Path:
    return world.starlette / "background.py"


def weaken_starlette(world: World) -> None:
    path = _background(world)
    path.write_text(path.read_text(encoding="utf-8").replace(ADD_TASK, SAME_SIZE), encoding="utf-8")


def pythonpath_to_a_weakened_starlette(world: World) -> None:
    """The caller's PYTHONPATH/MYPYPATH are not passed: neither run may see this starlette."""
    other = world.tmp / "elsewhere"
    shutil.copytree(world.starlette, other / "starlette")
    path = other / "starlette" / "background.py"
    path.write_text(path.read_text(encoding="utf-8").replace(ADD_TASK, SAME_SIZE), encoding="utf-8")
    world.monkeypatch.setenv("PYTHONPATH", str(other))
    world.monkeypatch.setenv("MYPYPATH", str(other))


def same_size_edit_with_mtime_restored(world: World) -> None:
    path = _background(world)
    before = path.stat()
    data = path.read_text(encoding="utf-8")
    assert len(data.replace(ADD_TASK, SAME_SIZE)) == len(data)
    path.write_text(data.replace(ADD_TASK, SAME_SIZE), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def checker_configs_in_the_cwd(world: World) -> None:
    """ty.toml, pyrefly.toml and a pyproject.toml that would silence errors: the engine's own configs win."""
    here = world.tmp / "checkout"
    here.mkdir()
    (here / "ty.toml").write_text('[rules]\nmissing-argument = "ignore"\ninvalid-argument-type = "ignore"\n')
    (here / "pyrefly.toml").write_text("[errors]\nbad-argument-type = false\nmissing-argument = false\n")
    (here / "pyproject.toml").write_text('[tool.mypy]\ndisable_error_code = ["arg-type", "call-arg"]\n')
    world.monkeypatch.chdir(here)


def user_level_ty_config(world: World) -> None:
    config = world.tmp / "xdg" / "ty"
    config.mkdir(parents=True)
    (config / "ty.toml").write_text('[rules]\ninvalid-argument-type = "ignore"\n')
    world.monkeypatch.setenv("XDG_CONFIG_HOME", str(world.tmp / "xdg"))
    world.monkeypatch.setenv("TY_CONFIG_FILE", str(config / "ty.toml"))
    world.monkeypatch.setenv("PYREFLY_CONFIG", str(world.tmp / "nonexistent.toml"))


def touch_only(world: World) -> None:
    """Nothing changes but times: a key miss is allowed, a different verdict is not."""
    for path in world.starlette.rglob("*.py"):
        path.touch()


def edit_a_case(world: World) -> None:
    path = world.tmp / "corpus" / "cases" / "sync" / "check_starlette_sync_positional.py"
    path.write_text(path.read_text(encoding="utf-8").replace("  # E: arg-type", "", 1), encoding="utf-8")


# perturbation -> whether a fresh run must give different verdicts than before it (proof it matters)
PERTURBATIONS: dict[str, tuple[Callable[[World], None], bool]] = {
    "installed-starlette-weakened": (weaken_starlette, True),
    "same-size-edit-mtime-restored": (same_size_edit_with_mtime_restored, True),
    "case-edited": (edit_a_case, True),
    "pythonpath-and-mypypath": (pythonpath_to_a_weakened_starlette, False),
    "checker-configs-in-cwd": (checker_configs_in_the_cwd, False),
    "user-and-env-checker-configs": (user_level_ty_config, False),
    "touched-only": (touch_only, False),
}


def _world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, shim: bool) -> World:
    env_dir = tmp_path / "env"
    python, lib = overlay_env(env_dir, site.getsitepackages(), [])
    starlette = lib / "starlette"
    shutil.copytree(Path(purelib(Path(sys.executable))) / "starlette", starlette)
    target = python
    if shim:  # what `python` on PATH is under pyenv: a script that execs the real interpreter
        target = tmp_path / "shim" / "python"
        target.parent.mkdir()
        target.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n', encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IEXEC)
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "typing_tests" / "cases", corpus / "cases")
    shutil.copy(ROOT / "typing_tests" / "divergences.toml", corpus / "divergences.toml")
    monkeypatch.setattr(sys, "argv", ["bgtyping"])
    return World(tmp_path, python, starlette, str(target), monkeypatch)


def _run(world: World, workdir: Path, *, reuse: bool) -> tuple[int, dict[str, object]]:
    out = world.tmp / f"results-{len(list(world.tmp.glob('results-*')))}"
    args = ["--corpus", str(world.tmp / "corpus"), "--select", CASES, "--target", f"inline={world.target}"]
    args += ["--workdir", str(workdir), "--results", str(out), *(f"--checker={c}" for c in CHECKERS)]
    code = main([*args, *(["--reuse"] if reuse else [])])
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))}
    return code, docs


@pytest.mark.parametrize(
    ("name", "shim"),
    [
        *((name, False) for name in PERTURBATIONS),
        # `--target inline=python` on pyenv or Debian is a script that execs the real interpreter
        ("installed-starlette-weakened", True),
    ],
)
def test_reuse_after_a_perturbation_equals_a_fresh_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, shim: bool
) -> None:
    world = _world(tmp_path, monkeypatch, shim=shim)
    perturb, effective = PERTURBATIONS[name]
    run = functools.partial(_run, world)
    kept = tmp_path / "kept-workdir"
    before = run(kept, reuse=True)
    assert before[0] == 0, capsys.readouterr()
    assert run(kept, reuse=True) == before  # warm: served from the cache
    assert "reused" in capsys.readouterr().err
    perturb(world)
    fresh = run(tmp_path / f"fresh-{name}", reuse=False)
    reused = run(kept, reuse=True)
    assert reused == fresh, f"{name}: --reuse gave other verdicts than a fresh run"
    if effective:
        assert fresh != before, f"{name} should change the verdicts, or it proves nothing"
        assert fresh[0] == 1
    else:
        assert fresh == before


def test_a_case_edited_while_a_run_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run judges the bytes it staged; the next --reuse run sees the edit and equals a fresh run."""
    world = _world(tmp_path, monkeypatch, shim=False)
    staged = stage  # what bgtyping.engine.run calls

    def stage_then_edit(plan: Plan) -> Stage:
        result = staged(plan)
        edit_a_case(world)  # the user saves the file while the checkers run
        return result

    monkeypatch.setattr(engine_run, "stage", stage_then_edit)
    kept = tmp_path / "kept"
    during = _run(world, kept, reuse=True)
    monkeypatch.setattr(engine_run, "stage", staged)
    assert during[0] == 0  # the bytes it read and the claims it judged are the same snapshot
    fresh = _run(world, tmp_path / "fresh", reuse=False)
    assert fresh[0] == 1  # the edit removed a marker the checkers still flag
    assert _run(world, kept, reuse=True) == fresh


def test_the_checker_key_covers_its_whole_installation(tmp_path: Path) -> None:
    """A console script's key covers every file its interpreter imports from, not only the script."""
    from bgtyping import checkers
    from bgtyping.host.hermetic import controlled_env
    from bgtyping.reuse.key import KeyInputs

    python, lib = overlay_env(tmp_path / "venv", [], [])
    (lib / "fakechecker").mkdir()
    module = lib / "fakechecker" / "__init__.py"
    module.write_text("RULES = 1\n", encoding="utf-8")
    script = tmp_path / "venv" / "bin" / "fakechecker"
    script.write_text(f"#!{python}\nimport fakechecker\n", encoding="utf-8")
    mypy = checkers.get("mypy")

    def key() -> str:
        inputs = KeyInputs(tmp_path / "w", controlled_env(tmp_path / "w"), {}, {})
        return inputs.checker(mypy, str(script))

    first = key()
    assert key() == first
    before = module.stat()
    module.write_text("RULES = 2\n", encoding="utf-8")  # same size, mtime put back: ctime still moves
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert key() != first


def test_a_target_that_is_a_checker_installation_is_walked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pass serves the target's key and the checker's, and both keys are what two passes give."""
    from bgtyping import checkers
    from bgtyping.host.hermetic import controlled_env
    from bgtyping.host.interpreter import inspect_interpreter
    from bgtyping.reuse import key as reuse_key
    from bgtyping.reuse.key import KeyInputs

    python, lib = overlay_env(tmp_path / "venv", [], [])
    (lib / "fakechecker.py").write_text("RULES = 1\n", encoding="utf-8")
    (lib / "fakechecker.json").write_text("{}", encoding="utf-8")  # in the checker's key, not the target's
    script = tmp_path / "venv" / "bin" / "fakechecker"
    script.write_text(f"#!{python}\nimport fakechecker\n", encoding="utf-8")
    env = controlled_env(tmp_path / "w")
    interp = inspect_interpreter(python, env, tmp_path / "w")
    passes: list[str] = []

    def counting(name: str) -> Callable[..., Any]:
        real = getattr(reuse_key, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            passes.append(name)
            return real(*args, **kwargs)

        return counted

    for name in ("fingerprint_interpreter", "fingerprint_interpreter_pair"):
        monkeypatch.setattr(reuse_key, name, counting(name))

    def keys(installations: set[Path]) -> tuple[str, str]:
        inputs = KeyInputs(tmp_path / "w", env, {"t": interp}, {}, installations)
        return inputs.target("t"), inputs.checker(checkers.get("mypy"), str(script))

    alone = keys(set())
    assert passes == ["fingerprint_interpreter", "fingerprint_interpreter"]
    passes.clear()
    assert keys({python}) == alone
    assert passes == ["fingerprint_interpreter_pair"]


def _fingerprint_with_memo(tree: Path, memo_file: Path) -> str:
    return tree_digest(tree, everything=True, memo_file=memo_file)


def test_the_content_memo_notices_a_hard_linked_file_changed_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same inode, size and mtime, new content: the memo's key holds ctime, which the edit moved."""
    from bgtyping.reuse import fingerprint

    monkeypatch.setattr(fingerprint, "SETTLED_NS", 0)  # remembered at once: only the ctime in its key can tell
    site, module = linked_site(tmp_path, "RULES = 1\n")
    memo = tmp_path / "content-digests.json"
    first = _fingerprint_with_memo(site, memo)
    assert len(json.loads(memo.read_text(encoding="utf-8"))["digests"]) == 1
    assert _fingerprint_with_memo(site, memo) == first
    before = module.stat()
    with open(module, "r+b") as handle:  # in place: the same inode, in every venv linked to it
        handle.write(b"RULES = 2\n")
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = module.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert _fingerprint_with_memo(site, memo) != first


def test_the_content_memo_remembers_no_file_changed_a_moment_ago(tmp_path: Path) -> None:
    """A file whose ctime is recent could change again within the same clock tick unseen: not remembered."""
    site, module = linked_site(tmp_path, "RULES = 1\n")
    memo = tmp_path / "content-digests.json"
    _fingerprint_with_memo(site, memo)
    assert not memo.exists() or json.loads(memo.read_text(encoding="utf-8"))["digests"] == {}
    memo.write_text("{not json", encoding="utf-8")  # a corrupt memo is no memo
    first = _fingerprint_with_memo(site, memo)
    module.write_text("RULES = 2\n", encoding="utf-8")
    assert _fingerprint_with_memo(site, memo) != first


@pytest.mark.parametrize("size", [0, 1, 1 << 20, (1 << 20) + 1, 5 * (1 << 19)])
def test_the_content_memo_hashes_every_byte_of_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Read a chunk at a time: each size either side of a chunk's end gives the sha256 of the whole file."""
    from bgtyping.reuse import fingerprint

    monkeypatch.setattr(fingerprint, "SETTLED_NS", 0)
    path = tmp_path / "blob"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    memo = fingerprint.ContentMemo(tmp_path / "memo.json")
    assert memo.content(str(path), path.stat()) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_content_memo_remembers_nothing_for_a_file_replaced_after_its_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk's stat names one file, the read finds another: its content is no content for that stat."""
    from bgtyping.reuse import fingerprint

    monkeypatch.setattr(fingerprint, "SETTLED_NS", 0)
    path, other = tmp_path / "mod.py", tmp_path / "new.py"
    path.write_text("RULES = 1\n", encoding="utf-8")
    other.write_text("RULES = 2\n", encoding="utf-8")
    walked = path.stat()
    os.replace(other, path)
    memo = fingerprint.ContentMemo(tmp_path / "memo.json")
    assert memo.content(str(path), walked) == hashlib.sha256(b"RULES = 2\n").hexdigest()
    memo.save()
    assert not (tmp_path / "memo.json").exists()  # nothing remembered: the next walk reads it again


def test_another_copy_of_the_engine_counts_where_the_running_one_does_not(tmp_path: Path) -> None:
    """A checker's interpreter may import a `bgtyping` that is not this one (a YAML item's mypy plugin)."""
    from bgtyping.paths import ENGINE

    other = tmp_path / "site" / "bgtyping"
    other.mkdir(parents=True)
    (other / "mypy_plugin.py").write_text("OLD = 1\n", encoding="utf-8")
    before = tree_digest(tmp_path / "site")
    (other / "mypy_plugin.py").write_text("NEW = 2\n", encoding="utf-8")
    assert tree_digest(tmp_path / "site") != before
    ours = tmp_path / "ours"
    ours.mkdir()
    empty = tree_digest(ours)
    (ours / "bgtyping").symlink_to(ENGINE)  # the running engine: keyed by its content elsewhere
    assert tree_digest(ours) == empty


def test_a_file_name_that_is_not_utf8_is_hashed_as_its_bytes(tmp_path: Path) -> None:
    """Linux names are bytes: one that is not UTF-8 in a target's site-packages must not stop a --reuse run."""
    import hashlib

    from bgtyping.reuse.fingerprint import fingerprint_tree

    root = tmp_path / "site-packages"
    root.mkdir()
    with open(os.path.join(os.fsencode(root), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"x = 1\n")
    digest = hashlib.sha256()
    assert fingerprint_tree(digest, root, everything=True) == 1


def test_one_pass_gives_both_fingerprints_of_an_interpreter(tmp_path: Path) -> None:
    """A checker installation that is also a target is walked once for both keys, each digest exactly
    what its own walk gives: folders one walk reaches first by a symlink the other never follows,
    loops, dangling links, files of either kind, and a checkout outside the installation."""
    from bgtyping.reuse.fingerprint import fingerprint_interpreter, fingerprint_interpreter_pair

    prefix = tmp_path / "venv"
    site = prefix / "lib" / "python3.11" / "site-packages"
    for folder in ("pkg/__pycache__", "pkg2", "not-an-identifier", "foo-1.0.dist-info", "foo-stubs"):
        (site / folder).mkdir(parents=True)
    for name in ("pkg/__init__.py", "pkg/data.json", "pkg/__pycache__/x.pyc", "pkg2/m.py", "foo-stubs/a.pyi"):
        (site / name).write_text(name, encoding="utf-8")
    (site / "foo-1.0.dist-info" / "RECORD").write_text("r", encoding="utf-8")
    (site / "not-an-identifier" / "mod.py").write_text("", encoding="utf-8")
    (site / "not-an-identifier" / "link").symlink_to(site / "pkg2")  # the whole walk sees pkg2 here first
    (site / "loop").symlink_to(".")
    (site / "gone.py").symlink_to(tmp_path / "nowhere")
    (site / "gone.txt").symlink_to(tmp_path / "nowhere")
    checkout = tmp_path / "src"
    (checkout / "app" / "node_modules").mkdir(parents=True)
    (checkout / "app" / "__init__.py").write_text("", encoding="utf-8")
    (checkout / "app" / "README").write_text("", encoding="utf-8")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python").write_text("", encoding="utf-8")
    (prefix / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    interp = fake_interpreter(prefix, [site, checkout])
    every = fingerprint_interpreter(interp, everything=True)
    importable = fingerprint_interpreter(interp)
    assert every != importable
    assert fingerprint_interpreter_pair(interp) == (every, importable)
    (site / "pkg" / "data.json").write_text("changed", encoding="utf-8")
    assert fingerprint_interpreter_pair(interp) == (fingerprint_interpreter(interp, everything=True), importable)
    assert fingerprint_interpreter(interp, everything=True) != every


@pytest.mark.parametrize(
    ("column", "value"),
    [(1, "3"), (1, True), (2, 1.5), (3, "fatal"), (0, None), (5, 7), (6, "a seventh field")],
)
def test_a_stored_result_with_a_malformed_diagnostic_is_a_miss(tmp_path: Path, column: int, value: object) -> None:
    """Diagnostics are checked a column at a time: any value of the wrong type is no result, never a crash."""
    from bgtyping.model import Diagnostic, RunKey, RunResult
    from bgtyping.paths import REUSE_FILE
    from bgtyping.reuse import store

    diagnostics = tuple(Diagnostic(f"/c/check_{n}.py", n, 1, "error", "arg-type", "no") for n in range(1, 4))
    result = RunResult(RunKey("mypy", "inline", "3.11"), "mypy 2", ("mypy",), diagnostics, 3, 0.0)
    store.save(tmp_path, "key", result)
    assert store.load(tmp_path, "key") == result
    data = json.loads((tmp_path / REUSE_FILE).read_text(encoding="utf-8"))
    row = data["diagnostics"][1]
    if column < len(row):
        row[column] = value
    else:
        row.append(value)
    (tmp_path / REUSE_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert store.load(tmp_path, "key") is None
