"""Outputs for CI: JUnit XML, GitHub Actions annotations and a job summary, written for the reader.

The reader is usually a library maintainer running our corpus in their own CI: the case files are
not in their repository, so an annotation quotes the call and says what the checker said instead of
pointing at a file they do not have (it points at the file only when it is in the current checkout).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import escape
from ..model import Case, EngineError, Outcome, Plan, RunKey, RunOutcome

_ADVICE = (
    "A checker now judges this call differently from what the corpus expects: either the installed "
    "starlette/fastapi annotations changed (your change?) or the checker's version did."
)


@dataclass(frozen=True)
class Finding:
    """One failed line of one case under one run, in words a reader can act on."""

    case: Case
    key: RunKey
    line: int
    call: str
    said: str


def findings(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> Iterator[Finding]:
    cases = {c.id: c for c in plan.corpus.every_case}
    for key in plan.run_keys():
        for verdict in outcomes[key].verdicts.values():
            if verdict.outcome is not Outcome.FAIL:
                continue
            case = cases[verdict.case]
            # Lines as Python counts them (the loader refuses a lone CR): not str.splitlines(), which also
            # ends a line at \x0c, \x85 or U+2028 inside a string.
            lines = case.data.decode("utf-8-sig").split("\n")
            for problem in verdict.problems:
                line = problem.line
                call = lines[line - 1].split("  #")[0].strip() if 0 < line <= len(lines) else ""
                yield Finding(case, key, line, call, problem.message)


def _where(key: RunKey) -> str:
    return f"{key.checker} on {key.target} (Python {key.python_version})"


def _corpus_path(plan: Plan, case: Case) -> str:
    cases = plan.corpus.root / "cases"
    return str(case.path.relative_to(cases)) if case.path.is_relative_to(cases) else case.path.name


def _brief(error: str, lines: int = 12) -> str:
    """A broken run's reason without the command line."""
    kept = [x for x in error.split("\n") if not x.lstrip().startswith("command: ")]
    return "\n".join(kept[:lines] + (["..."] if len(kept) > lines else []))


def junit(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> str:
    x = escape.xml
    suites = ET.Element("testsuites", name="bgtyping")
    found: dict[tuple[str, RunKey], list[Finding]] = {}
    for f in findings(plan, outcomes):
        found.setdefault((f.case.id, f.key), []).append(f)
    for key in plan.run_keys():
        outcome = outcomes[key]
        suite = ET.SubElement(suites, "testsuite", name=str(key))
        counts = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
        for case in plan.corpus.every_case:
            counts["tests"] += 1
            item = ET.SubElement(suite, "testcase", classname=x(f"{case.group}.{case.id}"), name=str(key))
            item.set("file", x(_corpus_path(plan, case)))
            verdict = outcome.verdicts.get(case.id)
            if outcome.error is not None or verdict is None:
                counts["errors"] += 1
                first = (outcome.error or "no verdict").split("\n")[0]
                ET.SubElement(item, "error", message=x(first))  # the run's reason is in its own testcase
            elif verdict.outcome is Outcome.FAIL:
                counts["failures"] += 1
                text = "\n".join(
                    f"line {f.line}: {escape.line(f.call)}\n  {escape.line(f.said)}"
                    for f in found.get((case.id, key), [])
                )
                ET.SubElement(item, "failure", message=x(case.claim)).text = x(text)
            elif verdict.outcome in (Outcome.SKIP, Outcome.UNSUPPORTED):
                counts["skipped"] += 1
                ET.SubElement(item, "skipped", message=verdict.outcome.value)
        if outcome.error is not None:
            counts["tests"] += 1
            counts["errors"] += 1
            run = ET.SubElement(suite, "testcase", classname="bgtyping.run", name=str(key))
            ET.SubElement(run, "error", message=x(outcome.error.split("\n")[0])).text = x(_brief(outcome.error))
        for name, value in counts.items():
            suite.set(name, str(value))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def github_annotations(plan: Plan, outcomes: Mapping[RunKey, RunOutcome], cwd: Path) -> Iterator[str]:
    """One `::error` per failed line (with `file=` only when the case is in this checkout), one per broken run."""
    for outcome in outcomes.values():
        if outcome.error is not None:
            title = f"bgtyping: {_where(outcome.key)} could not be checked"
            yield f"::error title={escape.workflow_property(title)}::{escape.workflow_message(_brief(outcome.error))}"
    for f in findings(plan, outcomes):
        # One line per part: the parts that come from data are made one line each before they are joined.
        parts = (
            escape.line(f.case.claim),
            f"Call: {escape.line(f.call)}",
            f"{f.key.checker} {escape.line(f.said)}",
            _ADVICE,
            f"(bgtyping corpus: {escape.line(_corpus_path(plan, f.case))}, line {f.line})",
        )
        title = f"title={escape.workflow_property('bgtyping: ' + _where(f.key))}"
        location = ""
        if f.case.path.is_relative_to(cwd):
            location = f"file={escape.workflow_property(str(f.case.path.relative_to(cwd)))},line={f.line},"
        yield f"::error {location}{title}::{escape.workflow_message(chr(10).join(parts))}"


def step_summary(plan: Plan, outcomes: Mapping[RunKey, RunOutcome], summary: str, limit: int = 50) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: the counts, the broken runs and the failed calls."""
    out = ["## bgtyping", "", escape.markdown_cell(summary), ""]
    broken = [o for o in outcomes.values() if o.error is not None]
    if broken:
        out += ["### Runs that could not be checked", ""]
        out += [f"- **{_where(o.key)}**: {escape.markdown_cell((o.error or '').split(chr(10))[0])}" for o in broken]
        out.append("")
    rows = list(findings(plan, outcomes))
    if rows:
        out += ["### Calls judged differently than the corpus expects", "", _ADVICE, ""]
        out += ["| checker | call | what it said | case |", "|---|---|---|---|"]
        for f in rows[:limit]:
            cells = (
                escape.markdown_cell(_where(f.key)),
                f"<code>{escape.markdown_cell(f.call)}</code>",
                escape.markdown_cell(f.said),
                escape.markdown_cell(f"{_corpus_path(plan, f.case)}:{f.line}"),
            )
            out.append("| " + " | ".join(cells) + " |")
        if len(rows) > limit:
            out.append(f"\n... and {len(rows) - limit} more (see the job log)")
    return "\n".join(out) + "\n"


def append_step_summary(path: Path, plan: Plan, outcomes: Mapping[RunKey, RunOutcome], summary: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:  # GitHub collects what each step appends
            handle.write(step_summary(plan, outcomes, summary))
    except OSError as exc:
        raise EngineError(f"cannot append the job summary: {exc.strerror or exc}", path=path) from None
