"""YAML cases under checkers other than mypy: revealed types read into one spelling, verdicts per line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bgtyping.engine.reveal import canonical

from .support import ROOT

# The same type as mypy and as another checker print it.
SAME = [
    ("def (x: builtins.int, *, label: builtins.str =)", '(x: int, *, label: str = "a") -> None'),
    ("def (x: builtins.int, *, label: builtins.str =)", 'def job(x: int, *, label: str = "a") -> None'),
    ("def ()", "bound method AuditedTasks.audit() -> None"),
    ("typing.Coroutine[Any, Any, None]", "CoroutineType[Any, Any, None]"),
    ("typing.Coroutine[Any, Any, None]", "Coroutine[Unknown, Unknown, None]"),
    ("tuple[Literal[1]?, Literal['a']?]", 'tuple[Literal[1], Literal["a"]]'),
    ("builtins.int | None", "Optional[int]"),
    ("Union[builtins.int, builtins.str]", "str | int"),
    ("def (*Any, **Any) -> Any", "(...) -> Any"),
    ("builtins.list[starlette.background.BackgroundTask]", "list[BackgroundTask]"),
    ("Literal[1, 2]", "Literal[2] | Literal[1]"),
    ("def (x: int) -> int | None", "(x: int) -> int | None"),
    ("def (x: int) | None", "((x: int) -> None) | None"),
    ("typing.Callable[[builtins.int], builtins.str]", "(int) -> str"),
    ("builtins.tuple[builtins.int, ...]", "Tuple[int, ...]"),
]
DIFFERENT = [
    ("builtins.int", "str"),
    ("list[int]", "list[str]"),
    ("int | None", "int"),
    ("def (x: int)", "(x: str) -> None"),
    ("def (x: int)", "(x: int) -> int"),
    ("def (x: int) -> int | None", "((x: int) -> int) | None"),
    ("Literal[1]", "Literal['1']"),
    ("tuple[int, str]", "tuple[str, int]"),
]
# Spellings the reader cannot be sure of: never equal to anything.
UNREADABLE = [
    "def [_P] (func: def (*_P.args, **_P.kwargs) -> Any, *_P.args, **_P.kwargs)",
    "(**P@add_task) -> Any",
    "<class 'A'>",
    "[**P]((ParamSpec(P)) -> Any, ParamSpec(P)) -> None",
    "Overload(def (), def (x: int))",
    "TypedDict('main.TD', {'x': builtins.int})",
    "bound method BackgroundTasks.add_task[**P](func: (**P) -> Any) -> None",
    "P.args",
    "int |",
    "list[int",
]


@pytest.mark.parametrize(("mypy", "other"), SAME)
def test_one_type_two_spellings_read_alike(mypy: str, other: str) -> None:
    assert canonical(mypy) is not None
    assert canonical(mypy) == canonical(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_types_stay_different(one: str, other: str) -> None:
    assert canonical(one) is not None
    assert canonical(other) is not None
    assert canonical(one) != canonical(other)


@pytest.mark.parametrize("text", UNREADABLE)
def test_what_the_reader_cannot_read_is_none(text: str) -> None:
    assert canonical(text) is None


SUITE = """
- case: correct
  main: |
    def send(address: str, retries: int) -> None: ...
    send("a", 3)
    send("a", "3")  # E: Argument 2 to "send" has incompatible type "str"; expected "int"  [arg-type]
    reveal_type(send("a", 3))  # N: Revealed type is "None"
- case: wrong_call_without_its_claim
  main: |
    def send(address: str, retries: int) -> None: ...
    send("a", "3")
- case: claim_on_a_correct_call
  main: |
    def send(address: str, retries: int) -> None: ...
    send("a", 3)  # E: Argument 2 to "send" has incompatible type "str"; expected "int"  [arg-type]
- case: wrong_revealed_type
  main: |
    def send(address: str, retries: int) -> None: ...
    reveal_type(send("a", 3))  # N: Revealed type is "builtins.int"
- case: error_of_another_kind
  main: |
    def send(address: str, retries: int) -> None: ...
    send("a", "3")  # E: Too many arguments for "send"  [call-arg]
- case: unreadable_revealed_type
  main: |
    from typing import Callable, ParamSpec
    P = ParamSpec("P")
    def run(f: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None: ...
    reveal_type(run)  # N: Revealed type is "def [P] (f: def (*P.args, **P.kwargs), *P.args, **P.kwargs)"
- case: declared_not_comparable
  bgtyping:
    not-comparable:
      pyright: "pyright spells a ParamSpec as **P@run"
  main: |
    from typing import Callable, ParamSpec
    P = ParamSpec("P")
    def run(f: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None: ...
    reveal_type(run)  # N: Revealed type is "def [P] (f: def (*P.args, **P.kwargs), *P.args, **P.kwargs)"
- case: ignored_as_under_mypy
  main: |
    def send(address: str, retries: int) -> None: ...
    send("a", "3")  # type: ignore
    send("a", "3")  # type: ignore[arg-type]
- case: stale_not_comparable
  bgtyping:
    not-comparable:
      pyright: "no reason any more"
  main: |
    reveal_type(len("ab"))  # N: Revealed type is "builtins.int"
"""
VERDICTS = {
    "correct": "PASSED",
    "wrong_call_without_its_claim": "FAILED",
    "claim_on_a_correct_call": "FAILED",
    "wrong_revealed_type": "FAILED",
    "error_of_another_kind": "FAILED",
    "unreadable_revealed_type": "FAILED",
    "declared_not_comparable": "NOT COMPARABLE",
    "ignored_as_under_mypy": "PASSED",  # pytest-mypy-plugins' suites use `# type: ignore`; pyright honours it too
    "stale_not_comparable": "FAILED",
}


def test_pyright_verdicts_line_by_line(tmp_path: Path) -> None:
    """Each broken claim fails under pyright alone; the case that is right passes under mypy and pyright."""
    suite = tmp_path / "test_calls.yml"
    suite.write_text(SUITE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bgtyping", "yaml", str(suite), "--checker", "mypy,pyright", "-v",
         "--workdir", str(tmp_path / "work")],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    got = {}
    for line in done.stdout.splitlines():
        for word in ("PASSED", "FAILED", "NOT COMPARABLE"):
            if line.startswith(word + " ") and line.endswith(" [pyright]"):
                got[line.removeprefix(word + " ").removesuffix(" [pyright]").rpartition("::")[2]] = word
    assert got == VERDICTS, done.stdout
    assert "PASSED test_calls.yml::correct [mypy]" in done.stdout
    assert "not comparable, 1x: pyright spells a ParamSpec as **P@run" in done.stdout
    assert "remove the entry" in done.stdout  # the stale key says what to do


def test_the_corpus_yaml_names_only_known_checkers_and_divergences() -> None:
    from bgtyping.corpus.divergences import load_divergences
    from bgtyping.corpus.yamlfile import load_yaml_cases
    from bgtyping.engine import yamlcheck, yamlrun

    cases = load_yaml_cases(ROOT / "typing_tests" / "yaml")
    items = yamlrun.items(cases, ROOT)
    yamlcheck.check_divergences(items, load_divergences(ROOT / "typing_tests" / "divergences.toml"))
    assert any(yamlcheck.diverging(i) for i in items)  # the plugin cases name no-plugin-interface
    with pytest.raises(Exception, match="not in the registry"):
        yamlcheck.check_divergences(items, {})


def test_an_item_file_named_like_a_run_config_is_not_judged_silently(tmp_path: Path) -> None:
    """A `pyrightconfig.json` among a case's files would configure (or be replaced by) the checker's run."""
    suite = tmp_path / "test_config_file.yml"
    suite.write_text(
        """
- case: turns_pyright_off
  main: |
    def send(retries: int) -> None: ...
    send("3")  # E: Argument 1 to "send" has incompatible type "str"; expected "int"  [arg-type]
  files:
    - path: pyrightconfig.json
      content: '{"typeCheckingMode": "off"}'
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bgtyping", "yaml", str(suite), "--checker", "pyright",
         "--workdir", str(tmp_path / "w")],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "its file pyrightconfig.json is where the checkers' run keeps its configuration" in done.stdout


def test_a_second_run_on_one_workdir_waits_for_the_first(tmp_path: Path) -> None:
    """Two runs on one workdir would write each other's item folders: the second waits for the lock."""
    import fcntl
    import time

    suite = tmp_path / "test_one.yml"
    suite.write_text('- case: one\n  main: |\n    reveal_type(len("a"))  # N: Revealed type is "builtins.int"\n')
    work = tmp_path / "w"
    work.mkdir()
    with open(work / ".lock", "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bgtyping", "yaml", str(suite), "--checker", "pyright", "--workdir", str(work)],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(3)
        assert proc.poll() is None  # still waiting
        fcntl.flock(handle, fcntl.LOCK_UN)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    assert "waiting for another bgtyping run" in err


def test_bad_target_and_version_are_refused_before_anything_runs(tmp_path: Path) -> None:
    suite = tmp_path / "test_one.yml"
    suite.write_text("- case: one\n  main: |\n    x = 1\n", encoding="utf-8")
    for flags, said in ((["--target", "stub"], "--target stub: unknown"), (["--python-version", "11"], "as 3.X")):
        done = subprocess.run(
            [sys.executable, "-m", "bgtyping", "yaml", str(suite), "--checker", "pyright", *flags],
            cwd=tmp_path, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        assert said in done.stderr


NOTHING_CHECKED = """\
- case: not_for_pyright
  bgtyping:
    not-comparable:
      pyright: "pyright infers list[Unknown] here"
  main: |
    x = []  # E: Need type annotation for "x" (hint: "x: list[<type>] = ...")  [var-annotated]
- case: skipped_by_a_mark
  main: |
    x: int = 1
"""


def test_the_drop_in_exits_1_when_nothing_was_checked_beside_a_skipped_item(pytester: pytest.Pytester) -> None:
    """Not comparable under pyright, and the only other item skipped by a mark: no cell was checked, as in
    `bgtyping yaml`, so the session is not a pass (it counted the items that ran, the skipped one too).
    In a subprocess: an in-process session restores sys.modules after it, under mypy's imports."""
    pytester.makefile(".yml", test_nothing=NOTHING_CHECKED)
    # pytest-mypy-plugins is installed here: disabled below, and the drop-in told so before it registers
    pytester.makepyfile(
        nompp="from bgtyping import yamlplugin\nyamlplugin._pytest_mypy_plugins_installed = lambda: False\n"
    )
    pytester.makeconftest(
        "import pytest\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        if 'skipped_by_a_mark' in item.name:\n"
        "            item.add_marker(pytest.mark.skip(reason='by a mark'))\n"
    )
    common = ["-p", "nompp", "-p", "no:pytest-mypy-plugins", "-p", "no:cacheprovider", "-rs"]
    common += ["--mypy-testing-base", str(pytester.path / "base")]
    result = pytester.runpytest_subprocess(*common, "--bgtyping-checker=pyright")
    result.assert_outcomes(skipped=2)
    assert "not comparable under pyright: pyright infers list[Unknown] here" in result.stdout.str()
    assert result.ret == 1, result.stdout.str()
    assert "every YAML item was not comparable under its checker: nothing was checked" in result.stdout.str()
    # with mypy's items too, a cell was checked: a pass
    result = pytester.runpytest_subprocess(*common, "--bgtyping-checker=mypy,pyright")
    result.assert_outcomes(passed=1, skipped=3)
    assert result.ret == 0, result.stdout.str()


def test_an_unknown_checker_beside_all_is_refused() -> None:
    """`--checker all,pyrite` is a typo, not `all`: refused as `--checker pyrite` alone is (exit 2, nothing run)."""
    from bgtyping.engine.yamlcheck import checkers_from
    from bgtyping.model import EngineError

    with pytest.raises(EngineError, match="pyrite: unknown"):
        checkers_from(["all,pyrite"], "--bgtyping-checker")
    assert checkers_from(["all", "mypy"]) == checkers_from(["all"])
