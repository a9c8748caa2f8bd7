"""The benchmark harness reports no ratio against a side that failed: it exits non-zero instead.

No real benchmark runs here: the P4 peer is a stand-in interpreter that answers like the real tools.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from benchmarks import bench
from bgtyping.corpus.yamlfile import load_yaml_cases
from bgtyping.engine import yamlrun

YAML = bench.ROOT / "typing_tests" / "yaml"


def fake_python(tmp_path: Path, pytest_says: str, pytest_exit: int) -> Path:
    """Answers `-m bgtyping yaml` with every case passed, and `-m pytest` as told."""
    n = len(yamlrun.items(load_yaml_cases(YAML), bench.ROOT))
    script = tmp_path / "python"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$2 $3" = "bgtyping yaml" ]; then echo "{n} passed, 0 failed, 0 skipped in 0.01s"; exit 0; fi\n'
        f'echo "{pytest_says}"; exit {pytest_exit}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def run_p4(python: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    # Our YAML corpus only: the stand-in is no installed pytest-mypy-plugins, so it has no shipped tests.
    code = bench.main(["--only=P4", "--runs=1", "--p4-suites=ours", f"--yaml-python={python}"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("says", "exit_code", "reason"),
    [
        ("5 failed, 24 passed in 9.00s", 1, "exit 1"),  # the peer's cases fail
        ("24 passed in 9.00s", 0, "24 cases passed, expected"),  # fewer cases than given
        ("ERROR: usage: pytest [options]", 4, "exit 4"),  # the peer cannot start (the old missing testing base)
        ("Traceback (most recent call last):", 0, "no pytest summary"),  # crashed, yet exit 0
    ],
)
def test_a_failing_peer_is_a_harness_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], says: str, exit_code: int, reason: str
) -> None:
    code, text = run_p4(fake_python(tmp_path, says, exit_code), capsys)
    assert code == 1
    assert "harness error: pytest-mypy-plugins, our YAML corpus, cold" in text
    assert reason in text
    assert "| P4" not in text  # no figure was reported


def test_a_passing_pair_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n = len(yamlrun.items(load_yaml_cases(YAML), bench.ROOT))
    code, text = run_p4(fake_python(tmp_path, f"{n} passed in 9.00s", 0), capsys)
    assert code == 0, text
    assert f"| P4 YAML | pytest-mypy-plugins, our YAML corpus, {n} items, cold |" in text


def test_engine_summary_with_a_failure_is_refused() -> None:
    run = bench.Run(1, "3 passed, 1 failed, 0 skipped, 0 unsupported; 0 of 1 runs broken\n", "", 1.0, 0.1, 0.2)
    with pytest.raises(bench.HarnessError, match="1 failed"):
        bench.engine_cells(run)
    broken = bench.Run(0, "4 passed, 0 failed, 0 skipped, 0 unsupported; 1 of 2 runs broken\n", "", 1.0, 0.1, 0.2)
    with pytest.raises(bench.HarnessError, match="1 runs broken"):
        bench.engine_cells(broken)


def test_pool_with_a_crashed_command_is_refused() -> None:
    run = bench.Run(1, "5 of 6 commands ran: mypy exited 2\n", "", 1.0, 0.1, 0.2)
    with pytest.raises(bench.HarnessError):
        bench.pool_commands(run)


def test_the_recorded_commands_are_the_ones_the_engine_ran(tmp_path: Path) -> None:
    """The bare side of P4 under mypy and pyright replays what `bgtyping yaml` started: every command."""
    import json
    import os
    import subprocess
    import sys

    suite = tmp_path / "test_one.yml"
    suite.write_text("- case: a\n  main: |\n    x: int = 'a'  # E: bad\n- case: b\n  main: y = 1\n", encoding="utf-8")
    log = tmp_path / "log.json"
    proc = subprocess.run(
        [sys.executable, str(bench.ROOT / "benchmarks" / "record.py"), str(log), "--", "yaml", str(suite),
         f"--workdir={tmp_path / 'w'}", "--checker=mypy,pyright"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env=dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])),
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr  # `# E: bad` is not mypy's message
    seen = json.loads(log.read_text(encoding="utf-8"))
    mypy = [c for c in seen if Path(c["argv"][0]).name == "mypy"]
    assert len(mypy) == 2  # the batch, then the failed item alone
    assert [Path(c["cwd"]).is_dir() for c in mypy] == [True, False]  # a solo run's folder is gone afterwards
    assert mypy[0]["env"]["MYPYPATH"].endswith(str(tmp_path))
    assert [Path(c["argv"][0]).name for c in seen if c not in mypy] == ["pyright"]  # one run for both items


def test_the_growth_corpus_loads(tmp_path: Path) -> None:
    """P1, P2 and P6 copy the `.py` cases; the copy must load although YAML lines name some divergences."""
    from bgtyping.corpus import load_corpus

    corpus = load_corpus(bench.ROOT / "typing_tests")
    twice = bench.copies(corpus, tmp_path / "x2", 2)
    assert len(twice.cases) == 2 * len(corpus.cases)
    assert not twice.yaml_entries
