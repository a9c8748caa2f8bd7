"""Failures for a maintainer: attributed to the API under test, grouped by what broke, pointed at the definition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bgtyping import checkers
from bgtyping.cli import main
from bgtyping.corpus import load_corpus
from bgtyping.corpus.calls import apis
from bgtyping.engine.judge import judge
from bgtyping.host.interpreter import Definition, definitions
from bgtyping.model import Plan, RunKey, RunOutcome, RunResult, Target
from bgtyping.output import ci
from bgtyping.output.groups import findings, group, in_checkout

from .support import MakeCorpus

USES = '''"""Claim."""
import fastapi
from fastapi import BackgroundTasks
from starlette.background import BackgroundTask, BackgroundTasks as SB


class Mine(SB): ...


def send(x: int) -> None: ...


def handler(tasks: BackgroundTasks) -> None:
    tasks.add_task(send, "a")  # E: arg-type


SB().add_task(send, "a")  # E: arg-type
mine = Mine()
mine.add_task(send, "a")  # E: arg-type
task = BackgroundTask(send, "a")  # E: arg-type
task.func
SB([BackgroundTask(send, 1)]).tasks
fastapi.BackgroundTasks.__init__(BackgroundTasks())
print(send)
'''


def test_each_line_is_attributed_to_the_api_it_uses(make_corpus: MakeCorpus) -> None:
    (case,) = load_corpus(make_corpus({"check_uses.py": USES})).cases
    found = apis(case)
    assert found[14] == "fastapi.BackgroundTasks.add_task"  # a parameter annotated with the class
    assert found[17] == "starlette.background.BackgroundTasks.add_task"  # an alias, called in place
    assert found[19] == "starlette.background.BackgroundTasks.add_task"  # the case's own subclass
    assert found[20] == "starlette.background.BackgroundTask.__init__"
    assert found[21] == "starlette.background.BackgroundTask"  # an attribute: the class's declarations
    assert found[22] == "starlette.background.BackgroundTasks.__init__"  # the outer call, not the inner one
    assert found[23] == "fastapi.BackgroundTasks.__init__"
    assert 24 not in found


def test_definitions_come_from_the_target_interpreter(inline_python: Path, tmp_path: Path) -> None:
    """Not guessed from the name: fastapi's add_task is its own, its __init__ is starlette's."""
    names = ["fastapi.BackgroundTasks.add_task", "fastapi.BackgroundTasks.__init__", "no.such.Thing"]
    found = definitions(inline_python, names, {"PATH": "/usr/bin:/bin"}, tmp_path)
    assert set(found) == set(names[:2])
    add_task, init = found[names[0]], found[names[1]]
    assert add_task.qualname == "fastapi.background.BackgroundTasks.add_task"
    assert add_task.file.parts[-2:] == ("fastapi", "background.py")
    assert add_task.file.read_text().split("\n")[add_task.line - 1].lstrip().startswith("def add_task(")
    assert init.qualname == "starlette.background.BackgroundTasks.__init__"
    assert init.file.parts[-2:] == ("starlette", "background.py")


def test_a_file_in_a_venv_inside_the_checkout_is_not_part_of_it(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "background.py").write_text("")
    venv = tmp_path / ".venv"
    (venv / "lib" / "site" / "starlette").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / "site" / "starlette" / "background.py").write_text("")
    (tmp_path / "lib" / "site-packages" / "fastapi").mkdir(parents=True)
    assert in_checkout(tmp_path / "pkg" / "background.py", tmp_path) == "pkg/background.py"
    assert in_checkout(venv / "lib" / "site" / "starlette" / "background.py", tmp_path) is None
    assert in_checkout(tmp_path / "lib" / "site-packages" / "fastapi" / "background.py", tmp_path) is None
    assert in_checkout(Path("/usr/lib/python3/x.py"), tmp_path) is None


REGRESSION = '''"""starlette's add_task checks the task's arguments."""
from starlette.background import BackgroundTasks


def send(address: str, retries: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send, "a", 3)
{lines}
'''


def _regression(make_corpus: MakeCorpus, cases: int = 8) -> Path:
    """Cases of three calls each that claim an error no checker reports: what an untyped add_task shows."""
    wrong = "\n".join(
        f'tasks.add_task(send, "a", 3)  # E: {kind}' for kind in ("arg-type", "missing-arg", "too-many-pos")
    )
    return make_corpus({f"check_r{i}.py": REGRESSION.format(lines=wrong) for i in range(cases)})


def _run(corpus: Path, inline_python: Path, tmp_path: Path, *extra: str) -> int:
    target = f"inline={inline_python}"
    return main(["--corpus", str(corpus), "--target", target, "--checker=mypy", f"--workdir={tmp_path / 'w'}", *extra])


def test_failures_are_grouped_with_a_few_examples_and_verbose_lists_each(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _regression(make_corpus)
    assert _run(corpus, inline_python, tmp_path) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "FAILED starlette.background.BackgroundTasks.add_task no longer checks task arguments: 24 calls that must "
        "be rejected are accepted (arg-type 8, missing-arg 8, too-many-pos 8), across 8 cases; under mypy"
    )
    examples = [line for line in out if line.startswith("  e.g. ")]
    assert len(examples) == 3
    assert examples[0] == '  e.g. tasks.add_task(send, "a", 3)  [check_r0.py:10; mypy: expected arg-type, got no error]'
    assert "(24 failed lines in all: --verbose, the --junitxml file or the job summary list each)" in out
    assert len(out) < 10
    assert _run(corpus, inline_python, tmp_path, "--verbose") == 1
    verbose = [line for line in capsys.readouterr().out.splitlines() if " - mypy: " in line]
    assert len(verbose) == 24


def test_the_annotation_goes_on_the_definition_in_the_checkout(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    """One annotation for the group, on the maintainer's own line, with counts and example calls."""
    corpus = _regression(make_corpus)
    plan, outcomes = _judged(corpus, tmp_path)
    checkout = tmp_path / "checkout"
    (checkout / "starlette").mkdir(parents=True)
    (checkout / "starlette" / "background.py").write_text("# add_task\n")
    defined = Definition("starlette.background.BackgroundTasks.add_task", checkout / "starlette" / "background.py", 30)
    where = {"inline": {"starlette.background.BackgroundTasks.add_task": defined}}
    (annotation,) = ci.github_annotations(plan, outcomes, checkout, where)
    match = re.match(
        r"^::error file=starlette/background.py,line=30,title=(?P<title>[^:]+)::(?P<message>.*)$", annotation
    )
    assert match is not None, annotation
    assert match["title"] == "bgtyping%3A BackgroundTasks.add_task no longer checks task arguments"
    message = match["message"].split("%0A")
    assert message[0].startswith("starlette.background.BackgroundTasks.add_task no longer checks task arguments: 24 ")
    assert message[1] == "For example:"
    assert [m.startswith('  tasks.add_task(send, "a", 3)  [check_r') for m in message[2:5]] == [True] * 3
    # Not in the checkout (the usual site-packages): no file= at all, one annotation per failed line as before.
    elsewhere = {
        "inline": {"starlette.background.BackgroundTasks.add_task": Definition(defined.qualname, tmp_path / "x.py", 3)}
    }
    plain = list(ci.github_annotations(plan, outcomes, checkout, elsewhere))
    assert len(plain) == 24
    assert not any("file=" in a for a in plain)


def _judged(corpus: Path, tmp_path: Path) -> tuple[Plan, dict[RunKey, RunOutcome]]:
    """The regression corpus judged from a run in which mypy reported nothing at all."""
    loaded = load_corpus(corpus)
    plan = Plan(loaded, ("mypy",), (Target("inline", Path("/bin/sh")),), ("3.11",), tmp_path / "w")
    key = RunKey("mypy", "inline", "3.11")
    result = RunResult(key, "mypy 1", (), (), None, 0.0)
    verdicts = {c.id: judge(c, checkers.get("mypy"), result, {}, loaded.root) for c in loaded.cases}
    assert len(group(findings(plan, {key: RunOutcome(key, result, verdicts=verdicts)}))) == 1
    return plan, {key: RunOutcome(key, result, verdicts=verdicts)}


def test_the_job_summary_says_what_broke_then_lists_every_failed_call(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    plan, outcomes = _judged(_regression(make_corpus, cases=30), tmp_path)
    text = ci.step_summary(plan, outcomes, "counts")
    assert (
        "### What broke\n\n- starlette.background.BackgroundTasks.add_task no longer checks task arguments: 90 " in text
    )
    rows = [line for line in text.split("\n") if line.startswith("| mypy on inline")]
    assert len(rows) == 90  # all of them, not the first few
    assert "more" not in text


IMPROVED = '''"""A call the recorded divergence says mypy accepts, which it now rejects, as the runtime does."""
def f(x: int) -> None: ...
f("a")  # E: arg-type  # diverge: leak
'''
LEAK = """
[leak]
owner = "target"
reason = "the target's typing used to hide this"
issue = "https://example.invalid/leak"
reports = { mypy = [] }
"""


def test_a_target_that_outgrew_its_divergence_passes_with_a_notice_unless_strict(
    make_corpus: MakeCorpus,
    inline_python: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = make_corpus({"check_better.py": IMPROVED}, LEAK)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _run(corpus, inline_python, tmp_path, "--github-annotations") == 0
    assert "### The target's typing improved\n\n- the target's own typing improved: mypy now" in summary.read_text()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "notice: the target's own typing improved: mypy now type-checks 1 line of check_better as the runtime "
        "behaves, so the recorded divergence [leak] no longer reproduces. The entry can be retired: tell the bgtyping "
        "maintainers (it recorded: the target's typing used to hide this)"
    )
    assert out[1].startswith("1 passed, 0 failed")
    assert out[2].startswith("::notice title=bgtyping%3A the target improved%3A leak::the target's own typing")
    assert _run(corpus, inline_python, tmp_path, "--strict-divergences") == 1
    strict = capsys.readouterr().out
    assert "notice:" not in strict
    assert "FAILED Lines that use no API under test improved past a recorded divergence: on 1 line " in strict
