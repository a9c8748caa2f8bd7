"""Every checker reads its file list from a file the engine writes, never from argv (issue 20).

Past about 25,000 files a command line reaches the system's limit (ARG_MAX): exec fails with E2BIG,
"Argument list too long". Here each installed checker is run the way the engine runs it, on staged
names that no list may mangle or drop (a space, a non-ASCII letter, glob characters, below a dot
folder, a `venv` and a `node_modules` that default excludes skip), and on more files than argv could
carry under a lowered limit (RLIMIT_STACK sets ARG_MAX to a quarter of it).

Each was seen to fail when the thing it guards is broken: mypy's files back on argv (the 3,000-file
test dies with E2BIG); pyrefly's entries unescaped, or its default-exclude heuristics back on (the
awkward names, below `venv` and `.cache`, go missing); ty's `exclude = ["!**"]` dropped (the file below
`.venv/node_modules/dist/__pycache__` goes missing) or its escaping dropped (ty refuses the space);
zuban's entries given without the link (its escaped patterns find nothing outside its config's
folder); pyright's `include` absolute (ignored: pyright checks its run folder instead); the reuse
key without the configs (every checker's changed list hits).
"""

from __future__ import annotations

import dataclasses
import errno
import glob
import os
import resource
import subprocess
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bgtyping import checkers
from bgtyping.checkers.common import toml_strings
from bgtyping.checkers.protocol import Parsed, Report, RunSpec
from bgtyping.checkers.ty import include_pattern
from bgtyping.engine.execute import _show, find_executable  # pyright: ignore[reportPrivateUsage]
from bgtyping.engine.health import health
from bgtyping.host.hermetic import controlled_env
from bgtyping.model import CHECKER_NAMES, EngineError, RunKey, RunResult
from bgtyping.reuse.key import KeyInputs

ERROR = 'x: int = "not an int"\n'
# A workdir whose every name a list must carry as it is: a space, a non-ASCII letter, a glob bracket,
# a dot folder, and the folders checkers' default excludes name.
AWKWARD_ROOT = Path(".cache", "w s", "ü", "[x]", "venv")
AWKWARD_NAMES = (
    "check_a.py",
    "check b.py",
    "check_ü.py",
    "check_[x].py",
    "check_{c,d}.py",
    "check_*q.py",
    "check_?z.py",
)
# Below the staged folder, folders default excludes skip (ty's, pyrefly's), holding a plain name.
DEEP = Path(".venv", "node_modules", "dist", "__pycache__", "check_deep.py")
# Files a glob of the names above would also match were it not escaped: never listed, never checked.
DECOYS = ("check_x.py", "check_Xq.py", "check_zz.py", "check_c.py")


def spec_for(checker: str, root: Path, files: Sequence[Path], workdir: Path) -> RunSpec:
    """A batch as the engine builds it: staged files outside the run's folder, its own environment."""
    workdir.mkdir(parents=True, exist_ok=True)
    return RunSpec(
        key=RunKey(checker, "inline", "3.11"),
        files=tuple(files),
        python=Path(sys.executable),
        python_version="3.11",
        workdir=workdir,
        root=root,
        env=controlled_env(workdir.parent / "home"),
        origin={str(f): f for f in files},
    )


def run(checker: str, spec: RunSpec, preexec: Callable[[], None] | None = None) -> tuple[Parsed, RunResult, list[str]]:
    module = checkers.get(checker)
    cmd = module.command(find_executable(module.executable), spec)
    assert not any(str(f) in cmd for f in spec.files), "a case file on the command line"
    assert len(_show(cmd)) < 1000  # what a crash report shows stays one short line, whatever the batch
    proc = subprocess.run(
        cmd, cwd=spec.workdir, env=dict(spec.env), capture_output=True, text=True, check=False, preexec_fn=preexec
    )
    assert proc.returncode in module.ok_exit_codes, proc.stderr[-3000:] + proc.stdout[-2000:]
    parsed = module.parse(Report(proc.stdout), proc.stderr, spec)
    result = RunResult(spec.key, "", tuple(cmd), parsed.diagnostics, parsed.analyzed, 0.0)
    return parsed, result, health(result, spec.files, module.import_codes, spec.root)


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("awkward")
    for root in (base / AWKWARD_ROOT,):
        cases = root / "stage" / "cases"
        for path in [cases / name for name in (*AWKWARD_NAMES, *DECOYS)] + [root / "stage" / DEEP]:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(ERROR, encoding="utf-8")
    return base


def awkward_files(checker: str, base: Path) -> tuple[Path, list[Path]]:
    """pyright's patterns cannot escape `*` and `?`, so it refuses such a name; zuban's escaped patterns find
    nothing below a dot folder, so it refuses a bracket above one (both tested below)."""
    root = base / AWKWARD_ROOT
    files = [root / "stage" / "cases" / name for name in AWKWARD_NAMES] + [root / "stage" / DEEP]
    if checker in ("pyright", "basedpyright"):
        files = [f for f in files if not set("*?") & set(f.name)]
    if checker == "zuban":
        files = [f for f in files if f.name != DEEP.name]
    return root, files


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_every_awkwardly_named_file_is_analysed(checker: str, awkward: Path) -> None:
    root, files = awkward_files(checker, awkward)
    spec = spec_for(checker, root, files, root / "run ü" / checker)
    _, result, problems = run(checker, spec)
    assert problems == []
    flagged = {d.path for d in result.diagnostics if d.severity == "error"}
    assert flagged == {str(f) for f in files}  # each listed file, no decoy


@pytest.mark.parametrize("checker", ["pyright", "basedpyright"])
def test_pyright_refuses_a_name_its_include_cannot_escape(checker: str, awkward: Path) -> None:
    root = awkward / AWKWARD_ROOT
    spec = spec_for(checker, root, [root / "stage" / "cases" / "check_*q.py"], root / "run ü" / checker)
    module = checkers.get(checker)
    with pytest.raises(EngineError, match=r"holds `\*` or `\?`"):
        module.command(find_executable(module.executable), spec)


def test_zuban_refuses_a_pattern_below_a_folder_its_expansion_skips(awkward: Path) -> None:
    """The `[x]` in the path makes each entry a pattern, and zuban's expansion skips `.venv`: refused, not dropped."""
    root = awkward / AWKWARD_ROOT
    files = [root / "stage" / "cases" / "check_a.py", root / "stage" / DEEP]
    spec = spec_for("zuban", root, files, root / "deep" / "zuban")
    module = checkers.get("zuban")
    with pytest.raises(EngineError, match="its patterns find nothing below a dot folder"):
        module.command(find_executable(module.executable), spec)


def test_what_zuban_does_with_a_pattern_outside_its_config_folder(awkward: Path) -> None:
    """Why the link: an escaped pattern outside the config's folder finds nothing, and zuban says so (exit 2)."""
    root = awkward / AWKWARD_ROOT
    work = root / "outside" / "zuban"
    work.mkdir(parents=True)
    (work / "zuban.toml").write_text(
        f'[tool.mypy]\nfiles = ["{glob.escape(str(root / "stage" / "cases" / "check_a.py"))}"]\n'
    )
    proc = subprocess.run(
        [find_executable("zuban"), "check", "--config-file", "zuban.toml"], cwd=work, capture_output=True, text=True
    )
    assert proc.returncode == 2, proc.stdout
    assert "No Python files found" in proc.stdout + proc.stderr


def test_zuban_links_nothing_for_files_below_its_run_folder(tmp_path: Path) -> None:
    """A YAML item's files sit in the run's folder: their patterns expand there, and no link loops back to it."""
    work = tmp_path / "[x]" / "zuban"
    files = [work / "main.py", work / "pkg" / "mod [y].py"]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ERROR, encoding="utf-8")
    spec = spec_for("zuban", work, files, work)
    _, result, problems = run("zuban", spec)
    assert problems == []
    assert not (work / "zuban-files").exists()
    assert {d.path for d in result.diagnostics} == {str(f) for f in files}
    around = spec_for("zuban", tmp_path, [tmp_path / "[x]" / "check_a.py"], work)
    with pytest.raises(EngineError, match="a link would loop"):
        checkers.get("zuban").command(find_executable("zuban"), around)


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_a_file_the_checker_drops_is_a_health_problem(checker: str, awkward: Path) -> None:
    """A listed file that is gone (the checker skips it, or says it is missing) never passes the health check."""
    root, files = awkward_files(checker, awkward)
    files = [*files, root / "stage" / "cases" / "check_gone.py"]
    spec = spec_for(checker, root, files, root / "gone" / checker)
    module = checkers.get(checker)
    cmd = module.command(find_executable(module.executable), spec)
    proc = subprocess.run(cmd, cwd=spec.workdir, env=dict(spec.env), capture_output=True, text=True, check=False)
    if proc.returncode not in module.ok_exit_codes:
        return  # it refused the run: the engine reports a crash, never a verdict
    parsed = module.parse(Report(proc.stdout), proc.stderr, spec)
    result = RunResult(spec.key, "", tuple(cmd), parsed.diagnostics, parsed.analyzed, 0.0)
    assert health(result, spec.files, module.import_codes, spec.root) != []


def test_ty_escapes_every_character_its_globs_would_read() -> None:
    assert include_pattern("w s/ü/[x]/check_*q,{a}!.py") == "w\\ s/\\ü/\\[x\\]/check_\\*q\\,\\{a\\}\\!.py"
    with pytest.raises(EngineError, match="backslash"):
        include_pattern("a\\b.py")


@pytest.mark.parametrize("name", ["line\nbreak.py", "bad\udcff.py"])
def test_a_path_no_list_can_carry_is_refused(tmp_path: Path, name: str) -> None:
    for checker in CHECKER_NAMES:
        spec = spec_for(checker, tmp_path, [tmp_path / name], tmp_path / checker)
        module = checkers.get(checker)
        with pytest.raises(EngineError, match="file path"):
            module.command(find_executable(module.executable), spec)


# RLIMIT_STACK / 4 is the limit on argv + environment; 1 MiB of stack leaves 256 KiB of arguments.
STACK = 1 << 20
MANY = 3000


def small_stack() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    stage = tmp_path_factory.mktemp("many") / "stage" / "cases"
    stage.mkdir(parents=True)
    files = [stage / f"check_{'long_name_' * 5}{i:05d}.py" for i in range(MANY)]
    for path in files:
        path.write_text("x: int = 1\n", encoding="utf-8")
    assert sum(len(str(f)) + 1 for f in files) > STACK // 4  # more than argv can carry under the limit
    return stage, files


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_more_files_than_argv_can_carry(checker: str, many: tuple[Path, list[Path]]) -> None:
    stage, files = many
    spec = spec_for(checker, stage, files, stage.parent / "run" / checker)
    module = checkers.get(checker)
    exe = find_executable(module.executable)
    # The old way, every file on argv, under the same limit: exec itself fails.
    with pytest.raises(OSError, match="Argument list too long") as refused:
        subprocess.run([exe, *map(str, files)], env=dict(spec.env), capture_output=True, preexec_fn=small_stack)
    assert refused.value.errno == errno.E2BIG
    parsed, _, problems = run(checker, spec, small_stack)
    assert problems == [], problems[:3]
    assert parsed.diagnostics == () or all(d.severity != "error" for d in parsed.diagnostics)


def test_the_limit_is_what_this_test_lowers() -> None:
    """The machine's own limit is larger: the test above proves nothing if the lowered one does not bite."""
    assert os.sysconf("SC_ARG_MAX") > STACK // 4


@pytest.mark.parametrize("checker", CHECKER_NAMES)
def test_a_changed_list_misses_the_reuse_key(checker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line no longer names the files: the list the engine wrote is what the key must cover."""
    for part in ("engine", "checker", "target"):  # the installation and environment parts: fixed here

        def fixed(self: KeyInputs, *args: object, part: str = part) -> str:
            return part

        monkeypatch.setattr(KeyInputs, part, fixed)
    cases = tmp_path / "stage" / "cases"
    cases.mkdir(parents=True)
    files = [cases / f"check_{n}.py" for n in "abc"]
    for path in files:
        path.write_text(ERROR, encoding="utf-8")
    module = checkers.get(checker)
    exe = find_executable(module.executable)
    workdir = tmp_path / "run" / checker
    inputs = KeyInputs(tmp_path, {}, {}, {str(f): f.read_bytes() for f in files})

    def key(batch: Sequence[Path]) -> tuple[list[str], str]:
        spec = spec_for(checker, tmp_path, batch, workdir)
        cmd = module.command(exe, spec)
        return cmd, inputs.key(module, exe, cmd, spec)

    cmd, first = key(files)
    assert key(files) == (cmd, first)
    fewer, missed = key(files[:2])
    assert fewer == cmd  # the same command line ...
    assert missed != first  # ... over another list: a miss
    key(files)
    written = [p for p in workdir.iterdir() if p.is_file() and "check_c" in p.read_text(encoding="utf-8")]
    assert len(written) == 1  # the one file that holds the list
    for path in written:  # and a list file edited behind the engine's back (the spec's files unchanged)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("check_c", "check_b"), encoding="utf-8")
        spec = spec_for(checker, tmp_path, files, workdir)
        assert inputs.key(module, exe, cmd, spec) != first, path.name
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("mypy.ini", "[mypy]\nwarn_unused_ignores = True\nfiles = stale.py\n\n[mypy-other.*]\nignore_errors = True\n"),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.mypy]\nwarn_unused_ignores = true\nfiles = ["stale.py"]\n'),
    ],
)
def test_a_yaml_items_mypy_config_gets_the_list(tmp_path: Path, name: str, text: str) -> None:
    """zuban follows a YAML item's own config (no --strict): a copy of it names the files, its settings kept."""
    work = tmp_path / "w s [x]"
    files = [work / "main.py", work / "pkg" / "helper ü.py"]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ERROR, encoding="utf-8")
    config = work / name
    config.write_text(text, encoding="utf-8")
    spec = dataclasses.replace(spec_for("zuban", work, files, work), mypy_config=config)
    _, result, problems = run("zuban", spec)
    assert problems == []
    assert {d.path for d in result.diagnostics} == {str(f) for f in files}
    assert config.read_text(encoding="utf-8") == text  # the item's own file is left as it was
    written = (work / f"zuban-{name}").read_text(encoding="utf-8")
    assert "warn_unused_ignores" in written
    assert "stale.py" not in written


def test_toml_strings_reads_back_as_written() -> None:
    """Every character a path may hold survives the TOML the engine writes (DEL, which JSON leaves raw, too)."""
    names = ["a\x7fb", "c\x01d", "ü é", 'q"uote', "back\\slash", "tab\there", "x\u2028y", "[x]*?{a,b}"]
    assert tomllib.loads("x = " + toml_strings(names))["x"] == names


def test_relative_paths_per_folder_equal_relpath() -> None:
    """pyright's `include` entries, worked out once per folder, are exactly os.path.relpath's."""
    from bgtyping.checkers.common import relative

    start = Path("/w/root/run")
    paths = [
        "/w/root/run/a.py", "/w/root/run/sub/b.py", "/w/root/stage/cases/c.py", "/w/root/stage/cases/d.py",
        "/elsewhere/e.py", "/f.py", "/w/root/./stage/../stage/cases/g.py", "/w/root/run/..", "/w/root/run/.",
        "/w/root/run/sub/", "/w/root/stage/cases/x y.py", "/w/root/runner/h.py",
    ]  # fmt: skip
    assert relative(paths, start) == [os.path.relpath(p, start) for p in paths]
