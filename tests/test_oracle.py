"""The runtime oracle finds every kind of disagreement between a case's claims and real starlette."""

from __future__ import annotations

from pathlib import Path

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


YAML = """\
- case: {name}
  main: |
    from fastapi import BackgroundTasks
    def send(address: str) -> None: ...
    {line}
"""
CLAIM = '  # E: Argument 2 to "add_task" of "BackgroundTasks" has incompatible type "int"; expected "str"  [arg-type]'


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('BackgroundTasks().add_task(send, "a")', None),
        ("BackgroundTasks().add_task(send, 1)" + CLAIM, None),
        ("BackgroundTasks().add_task(send, 1)", "claimed to pass, but at run time"),
        ('BackgroundTasks().add_task(send, "a")' + CLAIM, "claimed to fail, but nothing failed"),
        # A line naming a divergence says mypy's output there is not the truth: it must fail at run time.
        ('BackgroundTasks().add_task(send, "a")  # diverge: no-plugin-interface', "claimed to fail"),
        ("BackgroundTasks().add_task(send, 1)  # diverge: no-plugin-interface", None),
    ],
)
def test_yaml_item_claims_against_the_runtime(tmp_path: Path, line: str, said: str | None) -> None:
    from bgtyping.corpus.yamlfile import load_files
    from devtools.oracle import run_yaml, yaml_runs

    suite = tmp_path / "test_o.yml"
    suite.write_text(YAML.format(name="o", line=line), encoding="utf-8")
    (run,) = yaml_runs(load_files([suite]), tmp_path, tmp_path / "runs")
    assert run.static is None
    found = run_yaml(run)
    if said is None:
        assert found == []
    else:
        assert any(said in p for p in found), found
