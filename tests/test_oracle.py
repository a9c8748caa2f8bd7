"""The runtime oracle finds every kind of disagreement between a case's claims and real starlette."""

from __future__ import annotations

import pytest

from bgtyping.corpus import load_corpus
from devtools.oracle import run_case

from .support import MakeCorpus

HEAD = '''"""Claim."""
from fastapi import BackgroundTasks
from starlette.background import BackgroundTask
from starlette.responses import Response
def send(address: str, retries: int = 0) -> None: ...
tasks = BackgroundTasks()
'''


def problems(make_corpus: MakeCorpus, body: str) -> list[str]:
    (case,) = load_corpus(make_corpus({"check_o.py": HEAD + body})).cases
    return run_case(case)


@pytest.mark.parametrize(
    "body",
    [
        'tasks.add_task(send, "a")\n',
        "tasks.add_task(send, 1)  # E: arg-type\n",
        "tasks.add_task(send)  # E: missing-arg\n",
        'tasks.add_task(send, "a", 1, 2)  # E: too-many-pos\n',
        'tasks.add_task(send, "a", retry=1)  # E: unknown-kw\n',
        'BackgroundTask(send, address=["a"])  # E: arg-type\n',
        "tasks.add_task(1)  # E: not-callable\n",
        "Response(background=send)  # E: arg-type\n",
        "BackgroundTasks([1])  # E: arg-type\n",
    ],
)
def test_agreement(make_corpus: MakeCorpus, body: str) -> None:
    assert problems(make_corpus, body) == []


def test_claimed_failure_that_runs_cleanly(make_corpus: MakeCorpus) -> None:
    assert problems(make_corpus, 'tasks.add_task(send, "a")  # E: arg-type\n') == [
        "check_o.py:7 - claimed to fail, but nothing failed there at run time"
    ]


def test_wrong_type_on_an_unclaimed_line(make_corpus: MakeCorpus) -> None:
    (problem,) = problems(make_corpus, "tasks.add_task(send, 1)\n")
    assert problem.startswith("check_o.py:7 - claimed to pass, but at run time: running a task: TypeCheckError")


def test_missing_argument_on_an_unclaimed_line(make_corpus: MakeCorpus) -> None:
    (problem,) = problems(make_corpus, "BackgroundTask(send)\n")
    assert "missing a required argument: 'address'" in problem


def test_failure_inside_a_function_is_attributed_to_its_line(make_corpus: MakeCorpus) -> None:
    body = "import asyncio\nasync def main() -> None:\n    await tasks  # E: await\nasyncio.run(main())\n"
    assert problems(make_corpus, body) == []
    body = "import asyncio\nasync def main() -> None:\n    await tasks()\n    x: int = 1  # E: assignment\n"
    body += "asyncio.run(main())\n"
    assert problems(make_corpus, body) == ["check_o.py:10 - claimed to fail, but nothing failed there at run time"]


def test_static_only_skips_claims_but_runs_the_rest(make_corpus: MakeCorpus) -> None:
    body = 'x: int = "a"  # E: assignment\ntasks.add_task(send, "a")\n'
    assert problems(make_corpus, body.replace("x: int", "# static-only: annotations are not checked\nx: int")) == []
    assert problems(make_corpus, body) == ["check_o.py:7 - claimed to fail, but nothing failed there at run time"]
    broken = '# static-only: annotations are not checked\nx: int = "a"  # E: assignment\ntasks.add_task(send, 2)\n'
    (problem,) = problems(make_corpus, broken)
    assert "claimed to pass" in problem


def test_calls_of_case_functions_are_type_checked(make_corpus: MakeCorpus) -> None:
    body = "def schedule(t: BackgroundTasks) -> None: ...\nschedule(BackgroundTask(send, 'a'))  # E: arg-type\n"
    assert problems(make_corpus, body) == []
    (problem,) = problems(make_corpus, body.replace("  # E: arg-type", ""))
    assert "TypeCheckError: schedule() got t" in problem


NEVER_RUN = """from collections.abc import AsyncIterator, Iterator
def rows() -> Iterator[int]:
    yield 1
async def events() -> AsyncIterator[int]:
    yield 1
async def mail() -> None: ...
"""


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("tasks.add_task(rows)", "generator rows() and starlette never iterated it"),
        ("tasks.add_task(events)", "async generator events() and starlette never iterated it"),
        ("tasks.add_task(lambda: mail())", "coroutine mail() and starlette never awaited it"),
    ],
)
def test_a_task_that_never_runs_fails_an_unclaimed_line(make_corpus: MakeCorpus, line: str, says: str) -> None:
    found = problems(make_corpus, NEVER_RUN + line + "\n")
    assert len(found) == 1, found
    assert says in found[0]
    assert "claimed to pass, but at run time" in found[0]


def test_a_task_that_never_runs_satisfies_its_claims(make_corpus: MakeCorpus) -> None:
    claims = "tasks.add_task(rows)  # E: task-generator\ntasks.add_task(lambda: mail())  # E: task-unawaited\n"
    body = NEVER_RUN + claims
    assert problems(make_corpus, body) == []


def test_a_generator_the_task_iterates_itself_is_fine(make_corpus: MakeCorpus) -> None:
    body = NEVER_RUN + "def drain() -> None:\n    list(rows())\ntasks.add_task(drain)\n"
    assert problems(make_corpus, body) == []
