"""Runtime oracle: every case's claims hold against real starlette/fastapi (`nox -s oracle`)."""

from __future__ import annotations

import sys

import pytest

from bgtyping.corpus import load_corpus
from bgtyping.model import Case
from bgtyping.paths import CORPUS
from devtools.oracle import run_case

CASES = load_corpus(CORPUS).cases


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_claims_hold_at_run_time(case: Case) -> None:
    if case.min_python is not None and sys.version_info[:2] < case.min_python:
        pytest.skip(f"needs Python {case.min_python[0]}.{case.min_python[1]} to run")
    problems = run_case(case)
    if problems:
        pytest.fail(f"{case.claim}\n" + "\n".join(problems), pytrace=False)
