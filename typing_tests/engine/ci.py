"""Outputs for CI systems: JUnit XML (one testcase per case x run) and GitHub Actions annotations."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path

from .model import Outcome, RunKey
from .runner import Plan, RunOutcome

_LOCATED = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+) - (?P<message>.+)$")


def junit(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> str:
    suites = ET.Element("testsuites", name="bgtyping")
    for key in plan.run_keys():
        outcome = outcomes[key]
        suite = ET.SubElement(suites, "testsuite", name=str(key))
        counts = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
        for case in plan.corpus.cases:
            counts["tests"] += 1
            item = ET.SubElement(suite, "testcase", classname=f"{case.group}.{case.id}", name=str(key))
            item.set("file", str(case.path))
            verdict = outcome.verdicts.get(case.id)
            if outcome.error is not None or verdict is None:
                counts["errors"] += 1
                ET.SubElement(item, "error", message="the checker run failed").text = outcome.error or ""
            elif verdict.outcome is Outcome.FAIL:
                counts["failures"] += 1
                ET.SubElement(item, "failure", message=case.claim).text = "\n".join(verdict.problems)
            elif verdict.outcome in (Outcome.SKIP, Outcome.UNSUPPORTED):
                counts["skipped"] += 1
                ET.SubElement(item, "skipped", message=verdict.outcome.value)
        for name, value in counts.items():
            suite.set(name, str(value))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def github_annotations(outcomes: Mapping[RunKey, RunOutcome], root: Path) -> Iterator[str]:
    """`::error file=…,line=…::…` for every problem that has a location, plain `::error::` otherwise."""
    for outcome in outcomes.values():
        if outcome.error is not None:
            yield f"::error title=bgtyping {outcome.key}::{_escape(outcome.error)}"
        for verdict in outcome.verdicts.values():
            for problem in verdict.problems if verdict.outcome is Outcome.FAIL else ():
                match = _LOCATED.match(problem)
                if match is None:
                    yield f"::error title=bgtyping {outcome.key}::{_escape(problem)}"
                    continue
                path = Path(match["file"])
                file = path.relative_to(root) if path.is_absolute() and path.is_relative_to(root) else path
                yield (
                    f"::error file={_escape_property(str(file))},line={match['line']},"
                    f"title=bgtyping {outcome.key}::{_escape(match['message'])}"
                )


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")
