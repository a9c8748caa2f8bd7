"""The corpus's YAML items in the main job: verdicts beside the `.py` cases, in results, JUnit and pytest items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .support import ROOT, MakeCorpus, cli

RIGHT = '"""Fine."""\nx: int = 1\n'
SUITE = """\
# Two items: one right under every checker, one with an error that only pyright and mypy report.
- case: right
  main: |
    def send(retries: int) -> None: ...
    send("3")  # E: Argument 1 to "send" has incompatible type "str"; expected "int"  [arg-type]
- case: unclaimed_error
  main: |
    def send(retries: int) -> None: ...
    send(3)
    send("3")
- case: stubs_only
  bgtyping:
    targets: [stubs]
  main: |
    x: int = "a"
"""


def corpus_with_yaml(make_corpus: MakeCorpus) -> Path:
    corpus = make_corpus({"check_right.py": RIGHT})
    (corpus / "yaml").mkdir()
    (corpus / "yaml" / "test_calls.yml").write_text(SUITE, encoding="utf-8")
    return corpus


def test_main_job_judges_yaml_items_beside_the_py_cases(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path
) -> None:
    corpus = corpus_with_yaml(make_corpus)
    results = tmp_path / "results"
    proc = cli(
        "--corpus", corpus, "--target", f"inline={inline_python}", "--checker", "mypy", "--checker", "pyright",
        "--python", "3.11", "--python", "3.12", "--workdir", tmp_path / "w", "--results", results,
        "--junitxml", tmp_path / "junit.xml", "--verbose",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # The problem sits on the YAML file's own line: line 3 of `main`, below its `main:` key on line 7.
    assert (
        "corpus/yaml/test_calls.yml:10 - pyright: unclaimed_error: unexpected error reportArgumentType" in proc.stdout
    )
    assert "corpus/yaml/test_calls.yml:7 - mypy: unclaimed_error: expected (nothing), got main:3" in proc.stdout
    doc = json.loads((results / "pyright.json").read_text())
    cells = doc["cases"]["test_calls.yml::right"]["cells"]
    assert cells["inline-py3.11"]["verdict"] == "pass"
    assert cells["inline-py3.12"]["verdict"] == "skip"  # judged at the plan's first version only
    assert doc["cases"]["test_calls.yml::unclaimed_error"]["cells"]["inline-py3.11"]["verdict"] == "fail"
    assert doc["cases"]["test_calls.yml::stubs_only"]["cells"]["inline-py3.11"]["verdict"] == "skip"
    assert doc["cases"]["check_right"]["cells"]["inline-py3.11"]["verdict"] == "pass"
    junit = (tmp_path / "junit.xml").read_text()
    assert 'classname="yaml.test_calls.yml::unclaimed_error"' in junit


def test_pytest_plugin_collects_each_yaml_item(make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path) -> None:
    corpus = corpus_with_yaml(make_corpus)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "bgtyping.plugin", str(corpus), f"--typing-corpus={corpus}",
         f"--typing-target=inline={inline_python}", f"--typing-workdir={tmp_path / 'w'}", "--typing-checker=pyright",
         "-p", "no:cacheprovider", "-p", "no:pytest-mypy-plugins", "-q", "-rA"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "test_calls.yml::unclaimed_error[pyright-inline-py3.11]" in proc.stdout
    assert "PASSED" in proc.stdout
    assert "1 failed, 3 passed, 1 skipped" in proc.stdout, proc.stdout


def test_a_yaml_item_line_names_the_api_it_calls() -> None:
    """Failures group by API for YAML items too: the call's own line in the YAML file, and the item's `main:` line."""
    from bgtyping.corpus import load_corpus
    from bgtyping.corpus.calls import apis

    corpus = load_corpus(ROOT / "typing_tests")
    entry = next(e for e in corpus.yaml_entries if e.id.endswith("::wrong_type_names_the_task_parameter_type"))
    lines = entry.data.decode().split("\n")
    found = apis(entry)
    (call,) = [n for n in found if "add_task(send" in lines[n - 1]]
    assert found[call] == "fastapi.BackgroundTasks.add_task"
    assert found[entry.main_line - 1] == "fastapi.BackgroundTasks.add_task"
    assert lines[entry.main_line - 2].strip() == "main: |"


def test_a_control_character_in_a_yaml_item_id_is_refused(make_corpus: MakeCorpus) -> None:
    """An item id reaches annotations, JUnit and pytest's node ids: a newline there could start a workflow command."""
    corpus = make_corpus({"check_right.py": RIGHT})
    (corpus / "yaml").mkdir()
    (corpus / "yaml" / "test_hostile.yml").write_text(
        '- case: hostile\n  parametrized:\n    - x: "a\\n::error::injected"\n  main: |\n    y = 1\n', encoding="utf-8"
    )
    proc = cli("--corpus", corpus, "--target", f"inline={sys.executable}", "--checker", "mypy")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "a parametrized value holds a control character" in proc.stderr
    assert "\n::error" not in proc.stdout + proc.stderr
