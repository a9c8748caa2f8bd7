"""`--reuse` and the YAML items: an unchanged rerun starts no checker for them; every input change misses.

Each perturbation changes one input of the YAML verdicts' key (reuse/yamlkey.py). After it, the
kept workdir must run the items again (a miss) and give exactly the verdicts of a fresh workdir.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bgtyping.cli import main
from bgtyping.engine import yamlmatrix, yamlrun
from bgtyping.model import Case, Verdict
from bgtyping.paths import ENGINE, VERDICTS_FILE, YAML_REUSE_FILE
from bgtyping.reuse import key as reuse_key

from .support import MakeCorpus

PY_CASE = '"""Fine."""\nx: int = 1\n'
SUITE = """\
- case: helper_value
  main: |
    from helper import value
    reveal_type(value)  # N: Revealed type is "int"
  files:
    - path: helper.py
      content: |
        value: int = 1
- case: untyped_def
  main: |
    def twice(x):
        return x
"""


@dataclass
class World:
    corpus: Path
    python: Path
    tmp: Path
    monkeypatch: pytest.MonkeyPatch
    yaml_runs: list[str]  # one entry per YAML judging (items rendered and run)
    mypy_runs: list[list[str]]  # one entry per mypy process for a YAML item


def _world(make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    corpus = make_corpus({"check_right.py": PY_CASE})
    (corpus / "yaml").mkdir()
    (corpus / "yaml" / "test_reuse.yml").write_text(SUITE, encoding="utf-8")
    (corpus / "yaml" / "mypy.ini").write_text("[mypy]\nshow_error_codes = True\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["bgtyping"])
    monkeypatch.delenv("MYPYPATH", raising=False)
    world = World(corpus, inline_python, tmp_path, monkeypatch, [], [])
    judge, start = yamlmatrix._verdicts, yamlrun._run  # pyright: ignore[reportPrivateUsage]

    def counted_judge(*args: object, **kwargs: object) -> object:
        world.yaml_runs.append("judged")
        return judge(*args, **kwargs)  # type: ignore[arg-type]

    def counted_start(command: list[str], *args: object, **kwargs: object) -> object:
        world.mypy_runs.append(command)
        return start(command, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yamlmatrix, "_verdicts", counted_judge)
    monkeypatch.setattr(yamlrun, "_run", counted_start)
    return world


def _run(world: World, workdir: Path, *, checkers: tuple[str, ...] = ("mypy",)) -> tuple[int, dict[str, object]]:
    """Exit status and the results files of one `--reuse` run; the counters start from zero."""
    world.yaml_runs.clear()
    world.mypy_runs.clear()
    out = world.tmp / f"results-{len(list(world.tmp.glob('results-*')))}"
    args = ["--corpus", str(world.corpus), "--target", f"inline={world.python}", "--workdir", str(workdir)]
    args += ["--results", str(out), "--reuse", *(f"--checker={c}" for c in checkers)]
    code = main(args)
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))}
    return code, docs


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unchanged_rerun_starts_no_checker_for_the_yaml_items(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _world(make_corpus, inline_python, tmp_path, monkeypatch)
    kept = tmp_path / "kept"
    first = _run(world, kept, checkers=("mypy", "ty"))
    assert first[0] == 0
    assert len(world.yaml_runs) == 2  # mypy's items and ty's
    assert world.mypy_runs
    assert sorted(p.parent.name for p in kept.rglob(YAML_REUSE_FILE)) == ["mypy-py3.11", "ty-py3.11"]
    again = _run(world, kept, checkers=("mypy", "ty"))
    assert again == first
    assert world.yaml_runs == []
    assert world.mypy_runs == []


# -- what must miss -----------------------------------------------------------------------------


def yaml_byte(world: World) -> None:
    path = world.corpus / "yaml" / "test_reuse.yml"
    path.write_bytes(path.read_bytes() + b"# one byte more or less changes nothing here\n")


def files_entry(world: World) -> None:
    _edit(world.corpus / "yaml" / "test_reuse.yml", "value: int = 1", 'value: str = "1"')


def mypy_ini(world: World) -> None:
    (world.corpus / "yaml" / "mypy.ini").write_text("[mypy]\ndisallow_untyped_defs = True\n", encoding="utf-8")


def mypypath(world: World) -> None:
    """pytest-mypy-plugins passes the caller's MYPYPATH on: a `helper` there wins over the item's own."""
    other = world.tmp / "elsewhere"
    other.mkdir()
    (other / "helper.py").write_text('value: str = "shadowed"\n', encoding="utf-8")
    world.monkeypatch.setenv("MYPYPATH", str(other))


def engine_code(world: World) -> None:
    path = world.tmp / "engine" / "engine" / "yamlmatrix.py"  # the copy the key reads (below)
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")


def checker_installation(world: World) -> None:
    """What key.py fingerprints of mypy's installation changes (its own test covers how)."""
    checker = reuse_key.KeyInputs.checker

    def changed(self: reuse_key.KeyInputs, *args: object) -> str:
        return "another " + checker(self, *args)  # type: ignore[arg-type]

    world.monkeypatch.setattr(reuse_key.KeyInputs, "checker", changed)


def corrupt_file(world: World) -> None:
    for path in world.tmp.glob(f"kept/*/*/{YAML_REUSE_FILE}"):
        path.write_text(path.read_text(encoding="utf-8")[:-7], encoding="utf-8")


def failure_written_in(world: World) -> None:
    """A saved file whose key matches but that says an item failed: save() never writes one."""
    for path in world.tmp.glob(f"kept/*/*/{YAML_REUSE_FILE}"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["verdicts"][0]["outcome"] = "FAIL"
        path.write_text(json.dumps(data), encoding="utf-8")


def item_missing(world: World) -> None:
    for path in world.tmp.glob(f"kept/*/*/{YAML_REUSE_FILE}"):
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["verdicts"][0]
        path.write_text(json.dumps(data), encoding="utf-8")


def stale_file(world: World) -> None:
    """Another run's saved verdicts (another key) in this run's folder."""
    for path in world.tmp.glob(f"kept/*/*/{YAML_REUSE_FILE}"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["key"] = "0" * 64
        path.write_text(json.dumps(data), encoding="utf-8")


# perturbation -> whether it changes the verdicts (a fresh run must then differ from the first)
PERTURBATIONS: dict[str, tuple[Callable[[World], None], bool]] = {
    "yaml-byte": (yaml_byte, False),
    "files-entry": (files_entry, True),
    "mypy-ini": (mypy_ini, True),
    "mypypath-env": (mypypath, True),
    "engine-code": (engine_code, False),
    "checker-installation": (checker_installation, False),
    "corrupt-yaml-result": (corrupt_file, False),
    "fail-written-in": (failure_written_in, False),
    "item-missing": (item_missing, False),
    "stale-yaml-result": (stale_file, False),
}


@pytest.mark.parametrize("name", PERTURBATIONS)
def test_each_input_change_makes_the_yaml_verdicts_miss(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    world = _world(make_corpus, inline_python, tmp_path, monkeypatch)
    if name == "engine-code":  # a copy of the engine's code, which the key reads
        copy = tmp_path / "engine"
        shutil.copytree(ENGINE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setattr(reuse_key, "ENGINE", copy)
    perturb, effective = PERTURBATIONS[name]
    kept = tmp_path / "kept"
    before = _run(world, kept)
    assert before[0] == 0
    assert _run(world, kept) == before
    assert world.yaml_runs == []  # a hit
    perturb(world)
    reused = _run(world, kept)
    assert world.yaml_runs == ["judged"], f"{name}: the YAML items were not run again"
    assert world.mypy_runs
    fresh = _run(world, tmp_path / "fresh")
    assert reused == fresh, f"{name}: --reuse gave other verdicts than a fresh run"
    if effective:
        assert fresh[0] == 1, f"{name} should change a verdict, or it proves nothing"
        assert fresh != before
        assert not list(kept.rglob(YAML_REUSE_FILE)), "a run with a failure was saved"
    else:
        assert fresh == before


def test_the_py_verdicts_of_a_reused_result_are_judged_again_only_when_their_inputs_change(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reused result's `.py` verdicts come from verdicts.json; another registry setting, or a broken file, judges."""
    from bgtyping.engine import run as engine_run
    from bgtyping.engine.judge import judge  # what run_one calls

    world = _world(make_corpus, inline_python, tmp_path, monkeypatch)
    judged: list[str] = []

    def counted(case: Case, *args: object, **kwargs: object) -> object:
        if case.path.is_relative_to(world.corpus):  # the engine's probes are judged every run (three lines)
            judged.append(case.id)
        return judge(case, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_run, "judge", counted)
    kept = tmp_path / "kept"
    first = _run(world, kept)
    assert judged
    judged.clear()
    assert _run(world, kept) == first
    assert judged == []  # taken from verdicts.json
    strict = main(["--corpus", str(world.corpus), "--target", f"inline={world.python}", "--workdir", str(kept),
                   "--reuse", "--checker=mypy", "--strict-divergences"])  # fmt: skip
    assert strict == 0
    assert judged, "--strict-divergences judges by other rules: the saved verdicts must not be taken"
    for path in kept.rglob(VERDICTS_FILE):
        path.write_text(path.read_text(encoding="utf-8")[:-3], encoding="utf-8")
    judged.clear()
    assert _run(world, kept) == first
    assert judged, "a broken verdicts.json is no verdicts"


def test_a_skip_expression_that_reads_the_filesystem_is_keyed_by_its_value(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `skip:` is Python with `os`: what it reads (here a file) decides whether the item runs at all,
    so a saved SKIP must not be served once the expression says the item runs (and fails)."""
    world = _world(make_corpus, inline_python, tmp_path, monkeypatch)
    flag = tmp_path / "flag"
    suite = world.corpus / "yaml" / "test_reuse.yml"
    suite.write_text(
        suite.read_text(encoding="utf-8")
        + f"- case: skipped_until_flagged\n  skip: not os.path.exists({str(flag)!r})\n"
        + '  main: |\n    x: int = "s"\n',
        encoding="utf-8",
    )
    kept = tmp_path / "kept"
    before = _run(world, kept)
    assert before[0] == 0
    assert _run(world, kept) == before
    assert world.yaml_runs == []  # a hit
    flag.touch()
    fresh = _run(world, tmp_path / "fresh")
    assert fresh[0] == 1  # the item runs now, and its error is not expected
    reused = _run(world, kept)
    assert world.yaml_runs == ["judged"], "a saved SKIP was served after the skip expression changed its value"
    assert reused == fresh


def test_a_skip_expression_is_evaluated_once_per_run(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and the verdict take the same value: evaluated twice, a value that flips in between would
    save a SKIP under a key that says the item runs."""
    world = _world(make_corpus, inline_python, tmp_path, monkeypatch)
    counter = tmp_path / "evaluations"
    suite = world.corpus / "yaml" / "test_reuse.yml"
    suite.write_text(
        suite.read_text(encoding="utf-8")
        + f"- case: counted\n  skip: open({str(counter)!r}, 'a').write('x') == 0\n  main: |\n    x: int = 1\n",
        encoding="utf-8",
    )
    assert _run(world, tmp_path / "kept")[0] == 0
    assert counter.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("where", ["base-ini", "case-config"])
def test_a_folder_the_mypy_config_names_is_keyed_by_content(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """`mypy_path` (or a plugin's path) in the base mypy.ini or a case's `mypy_config` may name a folder
    outside yaml/: its stubs decide the verdicts as much as MYPYPATH's do."""
    world = _world(make_corpus, inline_python, tmp_path, monkeypatch)
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "outside.pyi").write_text("value: int\n", encoding="utf-8")
    suite = world.corpus / "yaml" / "test_reuse.yml"
    case = "- case: from_a_stub_folder\n  main: |\n    from outside import value\n"
    case += '    reveal_type(value)  # N: Revealed type is "int"\n'
    if where == "base-ini":
        (world.corpus / "yaml" / "mypy.ini").write_text(f"[mypy]\nmypy_path = {stubs}\n", encoding="utf-8")
    else:
        case += f"  mypy_config: |\n    mypy_path = {stubs}\n"
    suite.write_text(suite.read_text(encoding="utf-8") + case, encoding="utf-8")
    kept = tmp_path / "kept"
    before = _run(world, kept)
    assert before[0] == 0
    assert _run(world, kept) == before
    assert world.yaml_runs == []  # a hit
    (stubs / "outside.pyi").write_text("value: str\n", encoding="utf-8")
    fresh = _run(world, tmp_path / "fresh")
    assert fresh[0] == 1
    reused = _run(world, kept)
    assert world.yaml_runs == ["judged"], "verdicts were reused after a stub in the config's mypy_path changed"
    assert reused == fresh


def test_reused_py_verdicts_equal_the_judged_ones_diagnostics_and_all(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verdicts.json keeps no diagnostics: a reused verdict takes its case's from the stored result, and must
    equal the one judged (a passing claim, an unclaimed error, a case skipped under this Python)."""
    from bgtyping.engine import run as engine_run
    from bgtyping.engine.judge import judge  # what run_one calls

    cases = {
        "check_claimed.py": '"""Claimed."""\nx: int = "s"  # E: assignment\ny: str = 1  # E: assignment\n',
        "check_unclaimed.py": '"""Unclaimed."""\nx: int = "s"\n',
        "check_later-py314.py": '"""Later."""\nx: int = "s"  # E: assignment\n',
    }
    corpus = make_corpus(cases)
    monkeypatch.setattr(sys, "argv", ["bgtyping"])
    py_verdicts = engine_run._py_verdicts  # pyright: ignore[reportPrivateUsage]
    seen: list[dict[str, Verdict]] = []
    judged: list[str] = []

    def kept(*args: Any, **kwargs: Any) -> dict[str, Verdict]:
        seen.append(py_verdicts(*args, **kwargs))
        return seen[-1]

    def counted(case: Case, *args: Any, **kwargs: Any) -> Verdict:
        judged.append(case.id)
        return judge(case, *args, **kwargs)

    monkeypatch.setattr(engine_run, "_py_verdicts", kept)
    monkeypatch.setattr(engine_run, "judge", counted)
    args = ["--corpus", str(corpus), "--target", f"inline={inline_python}", "--workdir", str(tmp_path / "w")]
    run = [*args, "--reuse", "--checker=mypy", "--python=3.11"]
    assert main(run) == 1
    probes = [c for c in judged if c not in seen[0]]  # the engine's own, judged every run
    assert probes
    assert len(judged) == len(probes) + 3
    judged.clear()
    assert main(run) == 1
    assert judged == probes  # the cases' verdicts were loaded
    first, again = seen
    assert [len(v.diagnostics) for v in first.values()] == [2, 0, 1]
    assert again == first
    (saved,) = (tmp_path / "w").rglob(VERDICTS_FILE)
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["verdicts"][0][2] = 1  # a count the result does not give: judged again, never served
    saved.write_text(json.dumps(data), encoding="utf-8")
    judged.clear()
    assert main(run) == 1
    assert len(judged) == len(probes) + 3
    assert seen[-1] == first
