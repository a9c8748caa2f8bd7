"""Outputs for CI: JUnit XML, GitHub Actions annotations and a job summary, written for the reader.

The reader is usually a library maintainer running our corpus in their own CI: the case files are
not in their repository, so an annotation quotes the call and says what the checker said instead of
pointing at a file they do not have (it points at the file only when it is in the current checkout).
Where the failed calls use an API under test whose definition is in the checkout (their own
`add_task`), one annotation per group of failures goes on that definition instead.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path

from .. import escape
from ..host.interpreter import Definition
from ..model import Case, EngineError, Outcome, Plan, RunKey, RunOutcome
from .groups import Finding, example_line, findings, group, improvements, in_checkout

__all__ = ["Finding", "append_step_summary", "findings", "github_annotations", "junit", "step_summary"]

_ADVICE = (
    "A checker now judges this call differently from what the corpus expects: either the installed "
    "starlette/fastapi annotations changed (your change?) or the checker's version did."
)


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


_EVERY = "Every failed line: the job summary, the JUnit file (--junitxml) or bgtyping --verbose."


def _location(rel: str, line: int) -> str:
    return f"file={escape.workflow_property(rel)},line={line},"


def github_annotations(
    plan: Plan,
    outcomes: Mapping[RunKey, RunOutcome],
    cwd: Path,
    definitions: Mapping[str, Mapping[str, Definition]] | None = None,
) -> Iterator[str]:
    """One `::error` per broken run; one per group of failed lines whose API is defined in this checkout (on
    that definition); one per other failed line (with `file=` only when the case is in this checkout); one
    `::notice` per improvement of the target's typing. `definitions`: per target, by API name."""
    for outcome in outcomes.values():
        if outcome.error is not None:
            title = f"bgtyping: {_where(outcome.key)} could not be checked"
            yield f"::error title={escape.workflow_property(title)}::{escape.workflow_message(_brief(outcome.error))}"
    rest: list[Finding] = []
    for g in group(findings(plan, outcomes), definitions):
        rel = in_checkout(g.definition.file, cwd) if g.definition is not None else None
        if g.definition is None or rel is None:
            rest.extend(g.found)
            continue
        lines = [
            escape.line(g.headline()),
            "For example:",
            *(f"  {escape.line(example_line(fs, _corpus_path(plan, fs[0].case)))}" for fs in g.examples()),
            "The corpus states what starlette/fastapi do at run time; these calls now type-check otherwise, "
            "and this definition is what they call.",
            _EVERY,
        ]
        title = f"title={escape.workflow_property('bgtyping: ' + g.title)}"
        yield f"::error {_location(rel, g.definition.line)}{title}::{escape.workflow_message(chr(10).join(lines))}"
    for f in rest:
        # One line per part: the parts that come from data are made one line each before they are joined.
        parts = (
            escape.line(f.case.claim),
            f"Call: {escape.line(f.call)}",
            f"{f.key.checker} {escape.line(f.said)}",
            _ADVICE,
            f"(bgtyping corpus: {escape.line(_corpus_path(plan, f.case))}, line {f.line})",
        )
        title = f"title={escape.workflow_property('bgtyping: ' + _where(f.key))}"
        rel = in_checkout(f.case.path, cwd)
        location = _location(rel, f.line) if rel is not None else ""
        yield f"::error {location}{title}::{escape.workflow_message(chr(10).join(parts))}"
    for improvement in improvements(plan, outcomes):
        title = f"title={escape.workflow_property('bgtyping: the target improved: ' + improvement.divergence.id)}"
        location = ""
        for target in improvement.targets:  # on the definition the improved lines use, if it is here
            for api in improvement.apis:
                d = (definitions or {}).get(target, {}).get(api)
                if not location and d is not None and (rel := in_checkout(d.file, cwd)) is not None:
                    location = _location(rel, d.line)
        yield f"::notice {location}{title}::{escape.workflow_message(escape.line(improvement.message()))}"


# GitHub refuses a step summary above 1 MiB: the table stops well before that, and says where the rest is.
_SUMMARY_BYTES = 900_000


def step_summary(
    plan: Plan,
    outcomes: Mapping[RunKey, RunOutcome],
    summary: str,
    definitions: Mapping[str, Mapping[str, Definition]] | None = None,
) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: the counts, the broken runs, what broke and every failed call."""
    out = ["## bgtyping", "", escape.markdown_cell(summary), ""]
    better = improvements(plan, outcomes)
    if better:
        out += ["### The target's typing improved", ""]
        out += [f"- {escape.markdown_cell(i.message())}" for i in better]
        out.append("")
    broken = [o for o in outcomes.values() if o.error is not None]
    if broken:
        out += ["### Runs that could not be checked", ""]
        out += [f"- **{_where(o.key)}**: {escape.markdown_cell((o.error or '').split(chr(10))[0])}" for o in broken]
        out.append("")
    rows = list(findings(plan, outcomes))
    if rows:
        out += ["### What broke", ""]
        out += [f"- {escape.markdown_cell(g.headline(Path.cwd()))}" for g in group(rows, definitions)]
        out += ["", "### Calls judged differently than the corpus expects", "", _ADVICE, ""]
        out += ["| checker | call | what it said | case |", "|---|---|---|---|"]
        size = sum(len(x) + 1 for x in out)
        for shown, f in enumerate(rows):
            cells = (
                escape.markdown_cell(_where(f.key)),
                f"<code>{escape.markdown_cell(f.call)}</code>",
                escape.markdown_cell(f.said),
                escape.markdown_cell(f"{_corpus_path(plan, f.case)}:{f.line}"),
            )
            row = "| " + " | ".join(cells) + " |"
            size += len(row.encode()) + 1
            if size > _SUMMARY_BYTES:
                out.append(f"\n... and {len(rows) - shown} more: too many for a job summary (see the JUnit file)")
                break
            out.append(row)
    return "\n".join(out) + "\n"


def append_step_summary(
    path: Path,
    plan: Plan,
    outcomes: Mapping[RunKey, RunOutcome],
    summary: str,
    definitions: Mapping[str, Mapping[str, Definition]] | None = None,
) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:  # GitHub collects what each step appends
            handle.write(step_summary(plan, outcomes, summary, definitions))
    except OSError as exc:
        raise EngineError(f"cannot append the job summary: {exc.strerror or exc}", path=path) from None
