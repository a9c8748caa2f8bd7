"""`bgtyping yaml` gives pytest-mypy-plugins' verdict on every item: our cases, broken copies, and its own tests.

Runs in the `yaml` session, where pytest-mypy-plugins, mypy and the stubs are installed. Verdicts are
compared item by item with what pytest-mypy-plugins itself says about the same files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bgtyping.yamlbatch import pytest_rootdir

from .support import ROOT

pmp = pytest.importorskip("pytest_mypy_plugins", reason="the yaml session installs pytest-mypy-plugins")

YAML = ROOT / "typing_tests" / "yaml"
INI = YAML / "mypy.ini"
SHIPPED = Path(pmp.__file__).parent / "tests"  # pytest-mypy-plugins' own test files, from the installed package
HOOK = "pytest_mypy_plugins.tests.reveal_type_hook.hook"
# pytest-mypy-plugins looks mypy up on PATH: make it this environment's, for both runners.
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def pmp_verdicts(paths: list[Path], tmp_path: Path, *options: str) -> dict[str, bool]:
    junit = tmp_path / "pmp.xml"
    # Its own config, not the one pytest would find above the installed package (ours has --strict-markers);
    # it registers the marks pytest-mypy-plugins' own tests use, as its repository does.
    config = tmp_path / "pytest.ini"
    config.write_text("[pytest]\nmarkers =\n    foo\n    bar\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pytest", *map(str, paths), *options, "-p", "no:cacheprovider", f"-c={config}",
         f"--rootdir={tmp_path}", "-o", "junit_family=xunit1",
         f"--junitxml={junit}", "-q", f"--mypy-testing-base={tmp_path}"],
        cwd=tmp_path, capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    verdicts: dict[str, bool] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{Path(case.attrib['file']).name}::{case.attrib['name']}"  # xunit1 names the file
        assert name not in verdicts, name
        verdicts[name] = case.find("failure") is None and case.find("error") is None and case.find("skipped") is None
    return verdicts


def ours(paths: list[Path], tmp_path: Path, *options: str) -> tuple[int, dict[str, bool], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "bgtyping", "yaml", *map(str, paths), *options, "-v", f"--workdir={tmp_path / 'w'}"],
        cwd=tmp_path, capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    verdicts: dict[str, bool] = {}
    for line in proc.stdout.splitlines():
        word, _, nodeid = line.partition(" ")
        if word in ("PASSED", "FAILED"):  # pytest-mypy-plugins does not collect a skipped case at all
            verdicts[f"{Path(nodeid.partition('::')[0]).name}::{nodeid.partition('::')[2]}"] = word == "PASSED"
    return proc.returncode, verdicts, proc.stdout + proc.stderr


def test_same_verdicts_on_the_committed_cases(tmp_path: Path) -> None:
    theirs = pmp_verdicts([YAML], tmp_path, f"--mypy-ini-file={INI}")
    assert len(theirs) >= 30
    code, found, output = ours([YAML], tmp_path, f"--mypy-ini-file={INI}")
    assert found == theirs, output
    assert code == 0, output


def test_same_verdicts_on_broken_copies_and_exit_1(tmp_path: Path) -> None:
    folder = tmp_path / "yaml"
    shutil.copytree(YAML, folder)
    messages = folder / "test_messages.yml"
    text = messages.read_text(encoding="utf-8")
    # A wrong expected message, and an expected line that is missing.
    text = text.replace('expected "int"  [arg-type]', 'expected "str"  [arg-type]', 1)
    text = text.replace('    main:3: note: "add_task" defined in "fastapi.background"\n', "", 1)
    messages.write_text(text, encoding="utf-8")
    # The broken file alone: the others are the committed ones, compared above (pytest-mypy-plugins' time).
    theirs = pmp_verdicts([messages], tmp_path, f"--mypy-ini-file={INI}")
    assert not theirs["test_messages.yml::wrong_type_names_the_task_parameter_type"]
    assert not theirs["test_messages.yml::unknown_keyword_points_at_the_defining_module"]
    assert sum(theirs.values()) == len(theirs) - 2
    code, found, output = ours([messages], tmp_path, f"--mypy-ini-file={INI}")
    assert found == theirs, output
    assert code == 1


def _shipped(tmp_path: Path) -> tuple[list[Path], Path]:
    ini = tmp_path / "base.ini"
    ini.write_text("[mypy]\n", encoding="utf-8")  # mypy warns about an ini without [mypy], in every item's output
    return sorted(p for p in SHIPPED.glob("test-*.yml") if p.name != "test-extension.yml"), ini


def test_same_verdicts_on_pytest_mypy_plugins_own_tests(tmp_path: Path) -> None:
    files, ini = _shipped(tmp_path)
    theirs = pmp_verdicts(files, tmp_path, f"--mypy-ini-file={ini}")
    assert len(theirs) >= 30
    code, found, output = ours(files, tmp_path, f"--mypy-ini-file={ini}")
    assert found == theirs, output
    assert code == 0, output


def test_the_extension_hook_as_pytest_mypy_plugins_calls_it(tmp_path: Path) -> None:
    files = [SHIPPED / "test-extension.yml"]
    ini = _shipped(tmp_path)[1]
    theirs = pmp_verdicts(files, tmp_path, f"--mypy-ini-file={ini}", f"--mypy-extension-hook={HOOK}")
    code, found, output = ours(files, tmp_path, f"--mypy-ini-file={ini}", f"--mypy-extension-hook={HOOK}")
    assert found == theirs == {"test-extension.yml::reveal_type_extension_is_loaded": True}, output
    assert code == 0
    code, found, _ = ours(files, tmp_path, f"--mypy-ini-file={ini}")  # without the hook, main is empty
    assert found == {"test-extension.yml::reveal_type_extension_is_loaded": False}
    assert code == 1


def test_a_hook_reads_what_pytest_mypy_plugins_item_carries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook may read the item's options and places (axion's reads `base_ini_fpath`): each reads the same."""
    ini = _shipped(tmp_path)[1]
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "reads_item.py").write_text(
        "import os\n"
        "def hook(item):\n"
        "    seen = (item.name, item.starting_lineno, item.base_ini_fpath, item.base_pyproject_toml_fpath,\n"
        "            item.same_process, item.modify_pythonpath, item.no_silence_site_packages,\n"
        "            os.path.isdir(item.root_directory), item.path.name)\n"
        "    with open(os.environ['HOOK_LOG'], 'a') as log:\n"
        "        log.write(repr(seen) + '\\n')\n",
        encoding="utf-8",
    )
    suite = tmp_path / "test_hooked.yml"
    suite.write_text("- case: first\n  main: 'a = 1'\n- case: second\n  main: |\n    b = 2\n", encoding="utf-8")
    monkeypatch.setitem(ENV, "PYTHONPATH", str(hooks))
    options = [f"--mypy-ini-file={ini}", "--mypy-extension-hook=reads_item.hook", "--mypy-no-silence-site-packages"]

    def ours_only(paths: list[Path], where: Path, *given: str) -> dict[str, bool]:
        return ours(paths, where, *given)[1]

    seen: list[list[str]] = []
    for tool, log in ((pmp_verdicts, tmp_path / "theirs.log"), (ours_only, tmp_path / "ours.log")):
        monkeypatch.setitem(ENV, "HOOK_LOG", str(log))
        assert tool([suite], tmp_path, *options) == {"test_hooked.yml::first": True, "test_hooked.yml::second": True}
        seen.append(sorted(log.read_text(encoding="utf-8").splitlines()))
    assert len(seen[0]) == 2
    assert seen[0] == seen[1]


def test_a_file_outside_the_item_folder_is_named_as_from_their_run_folder(tmp_path: Path) -> None:
    """mypy prints a module beside the rootdir relative to its cwd: pytest-mypy-plugins' run folder lies
    just below its testing base, and the expected output says `../badmod` for that depth (mcous/decoy's does)."""
    (tmp_path / "badmod.py").write_text('x: int = "a"\n', encoding="utf-8")
    error = 'error: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]'
    suite = tmp_path / "test_outside.yml"
    suite.write_text(
        f"- case: error_in_a_rootdir_module\n  main: |\n    import badmod\n  out: |\n    ../badmod:1: {error}\n",
        encoding="utf-8",
    )
    ini = _shipped(tmp_path)[1]
    theirs = pmp_verdicts([suite], tmp_path, f"--mypy-ini-file={ini}")  # its testing base: tmp_path
    assert theirs == {"test_outside.yml::error_in_a_rootdir_module": True}
    code, found, output = ours([suite], tmp_path, f"--mypy-ini-file={ini}", f"--mypy-testing-base={tmp_path}")
    assert found == theirs, output
    assert code == 0


def test_one_changed_expected_message_of_the_shipped_tests_exits_1(tmp_path: Path) -> None:
    ini = _shipped(tmp_path)[1]
    copy = tmp_path / "copy"
    copy.mkdir()
    # The changed file alone: the others are compared unchanged above (pytest-mypy-plugins' time).
    simple = copy / "test-simple-cases.yml"
    text = (SHIPPED / simple.name).read_text(encoding="utf-8")
    assert '# N: Revealed type is "int"' in text
    simple.write_text(text.replace('# N: Revealed type is "int"', '# N: Revealed type is "float"', 1))
    theirs = pmp_verdicts([copy], tmp_path, f"--mypy-ini-file={ini}")
    code, found, output = ours([copy], tmp_path, f"--mypy-ini-file={ini}")
    assert found == theirs, output
    assert sum(not v for v in found.values()) == 1
    assert code == 1


BAD: dict[str, tuple[dict[str, str], str]] = {
    "an empty folder": ({}, "no YAML test files"),
    "files pytest-mypy-plugins would not collect": ({"cases.yml": "- case: a\n  main: x = 1\n"}, "no YAML test files"),
    "a file that is not a list of cases": ({"test-map.yml": "{}\n"}, "non-empty list of cases"),
    "a case without main": ({"test-typo.yml": "- case: a\n  mian: x = 1\n"}, "has no `main` (is 'mian' a typo?)"),
    "a case id twice": ({"test-twice.yml": "- case: a\n  main: x = 1\n- case: a\n  main: y = 1\n"}, "defined twice"),
    "an undefined template variable": (
        {"test-tpl.yml": "- case: a\n  main: x = {{ b }}\n  parametrized:\n    - c: 1\n"},
        "uses ['b'], which no parametrization defines",
    ),
}


@pytest.mark.parametrize("label", BAD)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, label: str) -> None:
    files, message = BAD[label]
    folder = tmp_path / "suite"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bgtyping", "yaml", str(folder), f"--workdir={tmp_path / 'w'}"],
        capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert message in proc.stderr


def test_empty_files_and_a_key_twice_are_read_as_pytest_mypy_plugins_reads_them(tmp_path: Path) -> None:
    """A real suite may hold an empty file (pytest-mypy-plugins collects nothing from it) or a case with a key
    twice (PyYAML keeps the last value): neither stops the suite, and the verdicts are the same. A file
    that holds no case still fails the run, each named on one line: nothing in it was checked."""
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "test_blank.yml").write_text("", encoding="utf-8")
    (folder / "test_comment.yml").write_text("# nothing here yet\n", encoding="utf-8")
    (folder / "test_none.yml").write_text("[]\n", encoding="utf-8")
    twice = (
        "- case: last_main_counts\n  main: |\n    a: int = 'x'\n  main: |\n    b: str = 'y'\n"
        "- case: last_flag_counts\n  main: |\n    c: int = 1\n  expect_fail: true\n  expect_fail: false\n"
        "- case: last_out_counts\n  main: |\n    reveal_type(1)\n  out: 'main:1: note: wrong'\n"
        '  out: |\n    main:1: note: Revealed type is "Literal[1]?"\n'
    )
    (folder / "test_twice.yml").write_text(twice, encoding="utf-8")
    theirs = pmp_verdicts([folder], tmp_path)
    assert theirs == dict.fromkeys(
        ["test_twice.yml::last_main_counts", "test_twice.yml::last_flag_counts", "test_twice.yml::last_out_counts"],
        True,
    )
    code, found, output = ours([folder], tmp_path)
    assert found == theirs, output
    assert code == 1, output
    for name in ("test_blank.yml", "test_comment.yml", "test_none.yml"):
        assert f"error: {folder.resolve() / name}: holds no case, so nothing in it is checked" in output
    (folder / "test_blank.yml").unlink()
    (folder / "test_comment.yml").unlink()
    (folder / "test_none.yml").unlink()
    assert ours([folder], tmp_path)[0] == 0


def test_the_rootdir_is_the_one_pytest_finds_not_the_working_folder(tmp_path: Path) -> None:
    """Run from a folder below the project's pytest config, pytest-mypy-plugins still puts the config's folder
    on MYPYPATH (a module there is found) and names items relative to it; so does the default --rootdir."""
    project = tmp_path / "project"
    (project / "checks").mkdir(parents=True)
    (project / "tox.ini").write_text("[pytest]\n", encoding="utf-8")
    (project / "beside_config.py").write_text("LIMIT: int = 3\n", encoding="utf-8")
    case = (
        "- case: sees_the_root\n  main: |\n    from beside_config import LIMIT\n"
        '    reveal_type(LIMIT)  # N: Revealed type is "int"\n'
    )
    (project / "checks" / "test_root.yml").write_text(case, encoding="utf-8")
    junit = tmp_path / "pmp.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "test_root.yml", "-p", "no:cacheprovider", f"--junitxml={junit}", "-q",
         f"--mypy-testing-base={tmp_path}"],
        cwd=project / "checks", capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    (theirs,) = ET.parse(junit).getroot().iter("testcase")
    assert theirs.find("failure") is None
    assert theirs.attrib["classname"] == "checks.test_root.yml"
    proc = subprocess.run(
        [sys.executable, "-m", "bgtyping", "yaml", "test_root.yml", "-v", f"--workdir={tmp_path / 'w'}"],
        cwd=project / "checks", capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    assert "PASSED checks/test_root.yml::sees_the_root" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 0


@pytest.mark.parametrize("base", ["none", "ini", "toml"])
def test_a_config_that_cannot_be_merged_fails_its_item_only(tmp_path: Path, base: str) -> None:
    """pytest-mypy-plugins fails an item whose merged config cannot be read (a key twice, broken TOML), even
    with expect_fail, and runs the others; the engine did not stop with a traceback and no verdict at all."""
    folder = tmp_path / "suite"
    folder.mkdir()
    twice = "warn_unused_ignores = true\nwarn_unused_ignores = false" if base != "toml" else "strict = [nope"
    text = "- case: fine\n  main: |\n    a: int = 1\n"
    for name, extra in (("unreadable", ""), ("unreadable_expected_to_fail", "  expect_fail: true\n")):
        text += f"- case: {name}\n  main: |\n    a: int = 1\n{extra}  mypy_config: |\n"
        text += "".join(f"    {line}\n" for line in twice.split("\n"))
    (folder / "test_config.yml").write_text(text, encoding="utf-8")
    options: list[str] = []
    if base == "ini":
        (tmp_path / "base.ini").write_text("[mypy]\nstrict_optional = true\n", encoding="utf-8")
        options = [f"--mypy-ini-file={tmp_path / 'base.ini'}"]
    elif base == "toml":
        (tmp_path / "base.toml").write_text("[tool.mypy]\nstrict_optional = true\n", encoding="utf-8")
        options = [f"--mypy-pyproject-toml-file={tmp_path / 'base.toml'}"]
    theirs = pmp_verdicts([folder], tmp_path, *options)
    assert theirs == {
        "test_config.yml::fine": True,
        "test_config.yml::unreadable": False,
        "test_config.yml::unreadable_expected_to_fail": False,
    }
    code, found, output = ours([folder], tmp_path, *options)
    assert found == theirs, output
    assert code == 1
    assert "Traceback" not in output


def test_every_item_failing_is_not_called_nothing_judged(tmp_path: Path) -> None:
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "test_bad.yml").write_text("- case: a\n  main: |\n    x: int = 'a'\n", encoding="utf-8")
    code, found, output = ours([folder], tmp_path)
    assert found == {"test_bad.yml::a": False}
    assert code == 1
    assert "nothing was judged" not in output


def test_a_case_id_twice_runs_both_only_when_asked(tmp_path: Path) -> None:
    """Refused by default; pytest-mypy-plugins runs both under one id, and so does the flag (real suites do this)."""
    folder = tmp_path / "suite"
    folder.mkdir()
    twice = "- case: a\n  main: x = 1\n- case: a\n  main: |\n    y: int = 'a'  # E: wrong\n"
    (folder / "test-twice.yml").write_text(twice, encoding="utf-8")
    code, _, output = ours([folder], tmp_path)
    assert code == 2
    assert "--allow-duplicate-case-ids" in output
    code, _, output = ours([folder], tmp_path, "--allow-duplicate-case-ids")
    assert code == 1
    assert "1 passed, 1 failed" in output
    theirs = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider",
         f"--mypy-testing-base={tmp_path}"],
        cwd=tmp_path, capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    assert "1 failed, 1 passed" in theirs.stdout


@pytest.mark.parametrize("batch", [True, False])
def test_no_item_leaves_its_modules_in_the_cache(tmp_path: Path, batch: bool) -> None:
    """As pytest-mypy-plugins does: the next item's `main` or `mod`, with other contents, is never taken as fresh."""
    from mypy.metastore import FilesystemMetadataStore, SqliteMetadataStore

    folder = tmp_path / "suite"
    folder.mkdir()
    case = (
        '- case: {name}\n  main: |\n    import mod\n    reveal_type(mod.x)  # N: Revealed type is "{t}"\n'
        "  files:\n    - path: mod.py\n      content: 'x: {t} = {v}'\n"
    )
    (folder / "test-a.yml").write_text(case.format(name="a", t="int", v="1") + case.format(name="b", t="str", v='""'))
    code, found, output = ours([folder], tmp_path, *(() if batch else ("--no-batch",)))
    assert code == 0, output
    assert len(found) == 2
    left: list[str] = []
    for version in (tmp_path / "w").glob("**/3.*"):
        shards = list(version.glob("cache.*.db"))
        stores = [SqliteMetadataStore(str(version), num_shards=len(shards))] if shards else []
        for store in [*stores, FilesystemMetadataStore(str(version))]:
            left += [e for e in store.list_all() if e.split(".")[0] in ("main", "mod") or "/main." in e]
    assert left == [], left


@pytest.mark.parametrize("addopts", ["--rootdir={other}", "--rootdir {other}", "-c {other}/tox.ini", "-p no:x"])
def test_the_default_rootdir_reads_pytest_addopts_as_pytest_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, addopts: str
) -> None:
    """A CI that sets PYTEST_ADDOPTS moves pytest's rootdir, so MYPYPATH and the item ids move with it."""
    project, other = tmp_path / "proj", tmp_path / "other"
    (project / "checks").mkdir(parents=True)
    other.mkdir()
    for folder in (project, other):
        (folder / "tox.ini").write_text("[pytest]\n", encoding="utf-8")
    (project / "checks" / "test_x.yml").write_text("- case: x\n  main: 'a = 1'\n", encoding="utf-8")
    env = {**ENV, "PYTEST_ADDOPTS": addopts.format(other=other)}
    header = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-p", "no:cacheprovider", "checks"],
        cwd=project, capture_output=True, text=True, check=False, env=env,
    ).stdout  # fmt: skip
    theirs = next(
        line.split(":", 1)[1].split(",")[0].strip() for line in header.splitlines() if line.startswith("rootdir:")
    )
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTEST_ADDOPTS", env["PYTEST_ADDOPTS"])
    assert pytest_rootdir([Path("checks")]) == Path(theirs)


def test_an_item_run_without_the_cache_starts_before_the_batches(tmp_path: Path) -> None:
    """One worker: the uncached item (the longest run: the standard library from source) goes first, so it is
    not left to run alone after every batch. A mypy that records each run shows the order."""
    fake, _ = _recording_mypy(tmp_path)
    cases = "".join(f"- case: c{n}\n  main: x = {n}\n" for n in range(3))
    text = cases + "- case: alone\n  disable_cache: true\n  main: x = 9\n"
    assert _run_suite(tmp_path, text, fake) == ["- uncached", "- cold"]  # the item alone, then one batch


def test_an_item_alone_gets_a_cache_of_its_own_config_run_after_run(tmp_path: Path) -> None:
    """Not the worker's: two configs on one worker would leave each other's cache stale for the next run,
    and which worker runs an item changes from run to run. A mypy that records its cache shows which."""
    from bgtyping.engine import yamlrun
    from bgtyping.yamlbatch import prepare

    log = tmp_path / "runs.txt"
    fake = tmp_path / "mypy"
    fake.write_text(f'#!/bin/sh\necho "$MARK $*" >> "{log}"\n')
    fake.chmod(0o755)
    suite = tmp_path / "test-alone.yml"
    case = "- case: {n}\n  env: [MARK={n}]\n  main: x = 1\n  mypy_config: {option} = true\n"
    suite.write_text(case.format(n="a", option="warn_unreachable") + case.format(n="b", option="strict_equality"))
    used: list[dict[str, str]] = []
    for _ in range(2):
        log.unlink(missing_ok=True)
        options = yamlrun.Options(rootdir=tmp_path, workdir=tmp_path / "w", jobs=1, mypy=str(fake), fork=False)
        found, _ = prepare([suite], options)
        yamlrun.run_items(found, options)
        assert [i.problems for i in found] == [[], []]
        runs = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
        used.append({words[0]: words[words.index("--cache-dir") + 1] for words in runs})
    assert used[0]["a"] != used[0]["b"]
    assert used[1] == used[0]


def _recording_mypy(tmp_path: Path) -> tuple[Path, Path]:
    """A mypy that records, per run, its item's MARK, its cache folder and whether that folder was there."""
    log, fake = tmp_path / "runs.txt", tmp_path / "mypy"
    script = (
        '#!/bin/sh\ndir=none; prev=""\nfor a in "$@"; do [ "$prev" = "--cache-dir" ] && dir="$a"; prev="$a"; done\n'
        'state=cold; [ -d "$dir" ] && state=warm; [ "$dir" = none ] && state=uncached\n'
        '[ "$dir" != none ] && mkdir -p "$dir" && touch "$dir/built"\n'
        f'echo "${{MARK:--}} $state" >> "{log}"\n'
    )
    fake.write_text(script, encoding="utf-8")
    fake.chmod(0o755)
    return fake, log


def _run_suite(tmp_path: Path, text: str, fake: Path, *, batch: bool = True) -> list[str]:
    from bgtyping.engine import yamlrun
    from bgtyping.yamlbatch import prepare

    suite = tmp_path / "test-seed.yml"
    suite.write_text(text, encoding="utf-8")
    options = yamlrun.Options(rootdir=tmp_path, workdir=tmp_path / "w", jobs=1, mypy=str(fake), fork=False, batch=batch)
    found, _ = prepare([suite], options)
    yamlrun.run_items(found, options)
    assert [i.problems for i in found] == [[]] * len(found)
    return (tmp_path / "runs.txt").read_text(encoding="utf-8").splitlines()


def test_an_item_alone_starts_from_its_configs_finished_cache_even_after_an_uncached_item(tmp_path: Path) -> None:
    """An item with `disable_cache` takes no cache: it once left an unbuilt one idle, which the next item of
    its config took and built cold although its config's batches had one ready."""
    fake, _ = _recording_mypy(tmp_path)
    text = (
        "- case: plain\n  main: x = 1\n- case: nocache\n  disable_cache: true\n  main: x = 2\n"
        "- case: alone\n  env: [MARK=alone]\n  main: x = 3\n"
    )
    assert _run_suite(tmp_path, text, fake) == ["- uncached", "- cold", "alone warm"]


def test_without_batches_a_new_cache_starts_from_an_idle_one(tmp_path: Path) -> None:
    """`--no-batch`: no batch cache to start from, so a config seen first copies an item cache no run uses."""
    fake, _ = _recording_mypy(tmp_path)
    case = "- case: {n}\n  env: [MARK={n}]\n  main: x = 1\n  mypy_config: {option} = true\n"
    text = case.format(n="a", option="warn_unreachable") + case.format(n="b", option="strict_equality")
    assert _run_suite(tmp_path, text, fake, batch=False) == ["a cold", "b warm"]


def test_a_cache_copy_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    """A torn copy would be a cache no later run seeds again, and a torn sqlite shard crashes mypy."""
    from bgtyping.engine.yamlrun import copy_cache

    source = tmp_path / "finished"
    (source / "3.11").mkdir(parents=True)
    (source / "3.11" / "cache.db").write_bytes(b"x" * 100)
    (source / "3.11" / "gone.db").symlink_to(tmp_path / "nowhere")  # copytree copies the rest, then raises
    copy_cache(source, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["finished"]
