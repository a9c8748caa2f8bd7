"""Every output sink gets the nastiest strings through every field that reaches it, and stays inert.

Sinks: the terminal (stdout and stderr), GitHub workflow commands, the job summary (Markdown),
JUnit (XML 1.0) and the results page (HTML). Fields: case folder names, claims, call text, checker
messages, a broken run's reason, results-file keys.
"""

from __future__ import annotations

import json
import re
import xml.dom.minidom
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bgtyping import escape
from bgtyping.cli import main
from bgtyping.model import (
    Case,
    Corpus,
    Diagnostic,
    Divergence,
    LineSpec,
    Outcome,
    Plan,
    Problem,
    RunKey,
    RunOutcome,
    RunResult,
    Target,
    Verdict,
)
from bgtyping.output import ci, report, results

from .support import MakeCorpus

NASTY = (
    "\n::warning title=x::injected\n",
    "::stop-commands::TOKEN",
    "\r::error::carriage",
    "\x1b[31mred\x1b[0m\x07",
    "a\u2028b\x0cc\x85d\x0be\u2029f",
    "<script>alert(1)</script>'\"&amp;",
    "| pipe | `tick` |",
    "\x00\x01\x7f\ufffe",
    "%0A::error::encoded",
)
EVIL = "".join(NASTY)
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def assert_inert_lines(text: str, *, commands: tuple[str, ...] = ()) -> None:
    """No raw control character, and no line that starts a workflow command but the engine's own."""
    assert not _RAW_CONTROL.search(text), repr(_RAW_CONTROL.findall(text))
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert commands, f"a line starts a workflow command: {line!r}"
            assert line.startswith(commands), f"a line starts a workflow command: {line!r}"


def _world(tmp_path: Path) -> tuple[Plan, dict[RunKey, RunOutcome]]:
    """A plan whose case, folder, claim, call, messages and broken reason all hold every nasty string."""
    source = f'"""claim {EVIL!r}"""\nx = {EVIL!r}  # E: arg-type\n'.encode()
    folder = tmp_path / "corpus" / "cases" / ("grp" + EVIL.replace("\x00", "").replace("/", ""))
    folder.mkdir(parents=True)
    path = folder / "check_evil.py"
    path.write_bytes(source)
    case = Case(
        "check_evil", path, folder.name, "claim " + EVIL, None, {2: LineSpec(frozenset({"arg-type"}))}, None, source
    )
    corpus = Corpus(tmp_path / "corpus", (case,), {})
    plan = Plan(corpus, ("mypy", "pyright"), (Target("inline", Path("/bin/sh")),), ("3.11",), tmp_path / "w")
    good, broken = RunKey("mypy", "inline", "3.11"), RunKey("pyright", "inline", "3.11")
    diag = Diagnostic(str(path), 2, 1, "error", "misc" + EVIL, "message" + EVIL)
    problem = Problem("cases/" + folder.name + "/check_evil.py", 2, "mypy", "message" + EVIL)
    verdict = Verdict(case.id, good, Outcome.FAIL, (problem,), (), (diag,))
    outcomes = {
        good: RunOutcome(good, RunResult(good, "mypy 1" + EVIL, (), (diag,), None, 0.0), verdicts={case.id: verdict}),
        broken: RunOutcome(broken, error="pyright crashed" + EVIL + "\n  command: x\n" + EVIL),
    }
    return plan, outcomes


def test_workflow_commands_carry_data_only_as_data(tmp_path: Path) -> None:
    plan, outcomes = _world(tmp_path)
    monkey_cwd = plan.corpus.root.parent  # the case lies in the checkout: file= is written too
    annotations = list(ci.github_annotations(plan, outcomes, monkey_cwd))
    assert len(annotations) == 2
    for annotation in annotations:
        assert "\n" not in annotation
        assert "\r" not in annotation
        assert_inert_lines(annotation, commands=("::error ",))
        head, _, _data = annotation.partition("::")[2].partition("::")
        assert head.startswith("error ")
        assert "::" not in head.removeprefix("error ")  # properties end only where the engine ends them
    located = next(a for a in annotations if "file=" in a)
    assert re.match(r"^::error file=[^,:]+,line=2,title=[^:]+::", located), located


def test_the_job_summary_keeps_one_row_per_call(tmp_path: Path) -> None:
    plan, outcomes = _world(tmp_path)
    text = ci.step_summary(plan, outcomes, "summary" + EVIL)
    assert_inert_lines(text)
    assert "<script" not in text
    rows = [line for line in text.split("\n") if line.startswith("| mypy")]
    assert len(rows) == 1
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 5  # four cells, whatever the call and message hold


def test_junit_is_well_formed_xml_whatever_the_fields_hold(tmp_path: Path) -> None:
    plan, outcomes = _world(tmp_path)
    text = ci.junit(plan, outcomes)
    document = xml.dom.minidom.parseString(text.encode("utf-8"))  # a strict XML 1.0 parser
    failures = document.getElementsByTagName("failure")
    assert len(failures) == 1
    assert "\\x1b" in failures[0].getAttribute("message")  # shown, not dropped
    assert "\x1b" not in text


def test_the_terminal_shows_every_field_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bgtyping.output.terminal import err, out, render_matrix

    plan, outcomes = _world(tmp_path)
    for problem in outcomes[RunKey("mypy", "inline", "3.11")].verdicts["check_evil"].problems:
        out(escape.line(str(problem)))
    err(f"error: {outcomes[RunKey('pyright', 'inline', '3.11')].error}")
    out(render_matrix(plan, outcomes))
    captured = capsys.readouterr()
    assert_inert_lines(captured.out)
    assert_inert_lines(captured.err)
    assert "\\n::warning title=x::injected\\n" in captured.out  # visible, on the same line


def test_a_case_folder_named_with_a_workflow_command_is_one_inert_line_and_exit_2(
    make_corpus: MakeCorpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = make_corpus({"evil\n::warning title=y::folder/check_key.py": '"""Claim."""\n'})
    assert main(["--corpus", str(corpus), "--checker=mypy", f"--workdir={tmp_path / 'w'}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "a case path holds a control character (\\n)" in err
    assert_inert_lines(err)


def test_a_checker_message_cannot_inject_a_workflow_command(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end, real mypy: a TypedDict key that holds workflow commands, quoted in mypy's message."""
    key = "\\n::warning title=x::injected\\n::stop-commands::TOKEN"
    case = (
        '"""A TypedDict key is quoted by mypy."""\nfrom typing import TypedDict\n\n\n'
        f'class T(TypedDict):\n    a: int\n\n\nt: T = {{"a": 1}}\nt["{key}"]\n'
    )
    corpus = make_corpus({"group/check_key.py": case})
    args = ["--corpus", str(corpus), "--target", f"inline={inline_python}", "--checker=mypy"]
    code = main([*args, f"--workdir={tmp_path / 'w'}", "--github-annotations", f"--junitxml={tmp_path / 'j.xml'}"])
    assert code == 1
    captured = capsys.readouterr()
    assert "typeddict-item" in captured.out
    assert_inert_lines(captured.out, commands=("::error ",))
    assert_inert_lines(captured.err)
    assert captured.out.count("\n::error ") + captured.out.startswith("::error ") == 1
    xml.dom.minidom.parse(str(tmp_path / "j.xml"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.data: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs).get("id"))
            self._in_data = dict(attrs).get("id") == "bg-data"
        self.attributes.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data.append(data)


def test_the_page_escapes_every_field_of_the_results(tmp_path: Path) -> None:
    """Every field of a results file and of a divergence, hostile, in the markup and in the embedded data."""
    plan, outcomes = _world(tmp_path)
    docs = results.collect(plan, outcomes)
    ident = "div" + EVIL
    entry = docs["mypy"]["cases"]["check_evil"]
    entry["cells"]["inline-py3.11"]["verdict"] = "divergent"
    docs["mypy"]["cases"]["yaml/evil" + EVIL + ".yml::x"] = entry
    divergences = {
        ident: Divergence(ident, "reason" + EVIL, "javascript:alert(1)", {"mypy": frozenset({EVIL})}, frozenset()),
        "other": Divergence("other", EVIL, "https://example.org/'><script>x", {}, frozenset({"stubs"})),
    }  # fmt: skip
    entry["cells"]["inline-py3.11"]["divergences"] = [ident, "other"]
    page = report.page(docs, divergences)
    parser = _Tags()
    parser.feed(page)
    assert parser.scripts == ["bg-data", None]  # the page's own data and script, nothing else
    assert {name for name, _ in parser.attributes} <= {
        "lang", "charset", "name", "content", "id", "class", "title", "href", "style", "type", "value", "checked",
        "aria-expanded", "data-checker", "data-case", "data-group", "data-kind", "data-verdict", "data-off",
        "data-off-cases", "data-show", "data-checkers",
    }  # fmt: skip
    hrefs = [value or "" for name, value in parser.attributes if name == "href"]
    assert all(h.startswith(("#", "https://")) for h in hrefs), hrefs
    assert "javascript:" not in " ".join(hrefs)
    assert "<script>alert" not in page
    assert "<script>x" not in page
    (data,) = parser.data
    assert "<" not in data
    assert not _RAW_CONTROL.search(data)
    shown = json.loads(data)  # the same text the markup shows (html_text), for the script to set as text
    assert {row[3] for row in shown["rows"]} == {"claim " + escape.xml(EVIL)}
    assert escape.xml("message" + EVIL) in shown["strings"]
    assert {row[0] for row in shown["rows"]} == {"check_evil", escape.xml("yaml/evil" + EVIL + ".yml::x")}


def test_a_results_file_with_a_hostile_cell_key_is_refused(tmp_path: Path) -> None:
    """Results files are committed: a pull request cannot put markup in the page through one."""
    plan, outcomes = _world(tmp_path)
    folder = tmp_path / "results"
    results.write(folder, results.collect(plan, outcomes))
    text = (folder / "mypy.json").read_text(encoding="utf-8")
    (folder / "mypy.json").write_text(text.replace('"inline-py3.11"', '"inline-py3.11\'><script>x</script>"', 1))
    assert (
        report.main(
            ["--results", str(folder), "--markdown", str(tmp_path / "R.md"), "--html", str(tmp_path / "i.html")]
        )
        == 2
    )
    assert not (tmp_path / "i.html").exists()


@pytest.mark.parametrize("text", NASTY)
def test_one_line_is_one_line(text: str) -> None:
    shown = escape.line(text)
    assert len(shown.splitlines()) <= 1
    assert not shown.lstrip().startswith("::")
    assert not _RAW_CONTROL.search(shown)


def test_a_call_is_quoted_from_its_own_line_whatever_the_lines_before_hold(tmp_path: Path) -> None:
    """Python ends lines at LF only (CRLF too; a lone CR is refused): not at U+2028, \\x0c or \\x85 in a string."""
    source = '"""claim"""\ns = "a\u2028b\x0cc\x85d"\nf(1)  # E: arg-type\n'.encode()
    path = tmp_path / "corpus" / "cases" / "check_sep.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(source)
    case = Case("check_sep", path, "-", "claim", None, {3: LineSpec(frozenset({"arg-type"}))}, None, source)
    plan = Plan(
        Corpus(tmp_path / "corpus", (case,), {}), ("mypy",), (Target("inline", Path("/bin/sh")),), ("3.11",), tmp_path
    )
    key = RunKey("mypy", "inline", "3.11")
    problem = Problem("corpus/cases/check_sep.py", 3, "mypy", "expected arg-type, got no error\nsecond line")
    verdict = Verdict(case.id, key, Outcome.FAIL, (problem,))
    outcomes = {key: RunOutcome(key, RunResult(key, "mypy 1", (), (), None, 0.0), verdicts={case.id: verdict})}
    (finding,) = ci.findings(plan, outcomes)
    assert (finding.line, finding.call) == (3, "f(1)")
    (annotation,) = ci.github_annotations(plan, outcomes, tmp_path)
    assert annotation.startswith("::error file=corpus/cases/check_sep.py,line=3,")
    assert "Call: f(1)%0A" in annotation
    assert "second line" in annotation
    assert "line None" not in annotation


def test_an_argument_argparse_refuses_is_shown_inert(tmp_path: Path) -> None:
    """argparse quotes what it refuses: no line of its message may start a workflow command."""
    import subprocess
    import sys

    for args in (["\n::warning::INJ"], ["--c=\n::warning::x"], ["yaml", "--nope=\n::error::y"]):
        proc = subprocess.run([sys.executable, "-m", "bgtyping", *args], capture_output=True, text=True, check=False)
        assert proc.returncode == 2, proc.stderr
        assert_inert_lines(proc.stderr)
        assert_inert_lines(proc.stdout)


def test_a_job_summary_that_cannot_be_written_is_one_line(
    make_corpus: MakeCorpus, inline_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder
    corpus = make_corpus({"check_good.py": '"""Fine."""\nx: int = 1\n'})
    code = main(
        [
            "--corpus",
            str(corpus),
            "--target",
            f"inline={inline_python}",
            "--checker=mypy",
            f"--workdir={tmp_path / 'w'}",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "cannot append the job summary" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["inside cases", "newline"])
def test_a_workdir_that_cannot_work_is_refused_before_any_checker(
    make_corpus: MakeCorpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    corpus = make_corpus({"check_good.py": '"""Fine."""\nx: int = 1\n'})
    workdir = corpus / "cases" / "w" if where == "inside cases" else tmp_path / "a\nb"
    assert main(["--corpus", str(corpus), "--checker=mypy", f"--workdir={workdir}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "the workdir" in err
