"""Runtime oracle: every case's claims hold against real starlette/fastapi (`nox -s oracle`)."""

from __future__ import annotations

import sys

import pytest

from bgtyping.corpus import load_corpus
from bgtyping.model import Case
from bgtyping.paths import CORPUS
from devtools.oracle import YamlRun, run_case, run_yaml, yaml_runs

CORPUS_DATA = load_corpus(CORPUS)
CASES = CORPUS_DATA.cases


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_claims_hold_at_run_time(case: Case) -> None:
    if case.min_python is not None and sys.version_info[:2] < case.min_python:
        pytest.skip(f"needs Python {case.min_python[0]}.{case.min_python[1]} to run")
    problems = run_case(case)
    if problems:
        pytest.fail(f"{case.claim}\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def yaml_items(tmp_path_factory: pytest.TempPathFactory) -> dict[str, YamlRun]:
    return {
        run.case.id: run for run in yaml_runs(CORPUS_DATA.yaml_cases, CORPUS / "yaml", tmp_path_factory.mktemp("yaml"))
    }


@pytest.mark.parametrize("item", [e.id for e in CORPUS_DATA.yaml_entries])
def test_yaml_item_claims_hold_at_run_time(item: str, yaml_items: dict[str, YamlRun]) -> None:
    run = yaml_items[item]
    if run.static is not None:
        pytest.skip(f"static: {run.static}")
    problems = run_yaml(run)
    if problems:
        pytest.fail(f"{item}\n" + "\n".join(problems), pytrace=False)
