"""Per-checker results files (JSON, sorted, one cell per case x target x Python version) and their diff."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NotRequired, TypedDict, cast

from ..fsutil import atomic_write
from ..model import (
    BROKEN,
    CHECKER_NAMES,
    PYTHON_VERSIONS,
    TARGET_FINGERPRINTS,
    VERDICT_WORDS,
    EngineError,
    Outcome,
    Plan,
    RunKey,
    RunOutcome,
)


class Cell(TypedDict):
    verdict: str
    divergences: NotRequired[list[str]]
    diagnostics: NotRequired[list[str]]
    problems: NotRequired[list[str]]


class CaseEntry(TypedDict):
    group: str
    claim: str
    messages: dict[str, str]
    cells: dict[str, Cell]


class Document(TypedDict):
    checker: str
    version: str
    runs: dict[str, str]
    cases: dict[str, CaseEntry]


# A case that one checker's results file does not hold: shown as such, never dropped from a table.
ABSENT = "absent"


def layout(docs: Mapping[str, Document]) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
    """The checkers in the engine's order, and every case of every file (the union) by group (group and claim
    from the first file that has it)."""
    info: dict[str, tuple[str, str]] = {}
    for doc in docs.values():
        for case, entry in doc["cases"].items():
            info.setdefault(case, (entry["group"], entry["claim"]))
    groups: dict[str, list[tuple[str, str]]] = {}
    for case, (group, claim) in sorted(info.items()):
        groups.setdefault(group, []).append((case, claim))
    checkers = sorted(docs, key=lambda c: CHECKER_NAMES.index(c) if c in CHECKER_NAMES else len(CHECKER_NAMES))
    return checkers, dict(sorted(groups.items()))


def cell_key(key: RunKey) -> str:
    return f"{key.target}-py{key.python_version}"


def collect(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> dict[str, Document]:
    """One document per checker: its version, the health of each run, and every cell.

    A cell names its diagnostics as `line:column code`; the message text is kept once per case.
    """
    docs: dict[str, Document] = {}
    for checker in plan.checkers:
        keys = [k for k in plan.run_keys() if k.checker == checker]
        versions = sorted({o.result.version for k in keys if (o := outcomes[k]).result is not None})
        runs: dict[str, str] = {}
        cases: dict[str, CaseEntry] = {
            c.id: {"group": c.group, "claim": c.claim, "messages": {}, "cells": {}} for c in plan.corpus.every_case
        }
        for key in keys:
            outcome = outcomes[key]
            runs[cell_key(key)] = (
                f"broken: {outcome.error}"
                if outcome.error
                else f"unsupported: {outcome.unsupported}"
                if outcome.unsupported
                else "ok"
            )
            for case in plan.corpus.every_case:
                entry = cases[case.id]
                verdict = outcome.verdicts.get(case.id)
                cell: Cell = {"verdict": BROKEN if outcome.error or verdict is None else verdict.outcome.value}
                if verdict is not None and outcome.error is None:
                    if verdict.divergences:
                        cell["divergences"] = list(verdict.divergences)
                    if verdict.diagnostics:
                        names = [f"{d.line}:{d.column} {d.code}" for d in verdict.diagnostics]
                        cell["diagnostics"] = names
                        entry["messages"].update(zip(names, (d.message for d in verdict.diagnostics), strict=True))
                    if verdict.problems and verdict.outcome is Outcome.FAIL:
                        cell["problems"] = [str(p) for p in verdict.problems]
                entry["cells"][cell_key(key)] = cell
        docs[checker] = {"checker": checker, "version": ", ".join(versions), "runs": runs, "cases": cases}
    return docs


def dump(doc: Document) -> str:
    """Sorted and line-oriented: one line per cell and per message, so a change is a one-line diff."""

    def line(value: object) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    out = ["{", f' "checker": {line(doc["checker"])},', f' "version": {line(doc["version"])},', ' "runs": {']
    out += [f"  {line(k)}: {line(v)}," for k, v in sorted(doc["runs"].items())]
    out[-1] = out[-1].rstrip(",")
    out += [" },", ' "cases": {']
    cases = doc["cases"]
    for i, (case, entry) in enumerate(sorted(cases.items())):
        out.append(f"  {line(case)}: {{")
        out.append(f'   "claim": {line(entry["claim"])},')
        out.append(f'   "group": {line(entry["group"])},')
        messages = sorted(entry["messages"].items())
        out.append('   "messages": {' + ("" if messages else "},"))
        if messages:
            out += [f"    {line(k)}: {line(v)}," for k, v in messages]
            out[-1] = out[-1].rstrip(",")
            out.append("   },")
        out.append('   "cells": {')
        cells = sorted(entry["cells"].items())
        out += [f"    {line(k)}: {line(v)}," for k, v in cells]
        out[-1] = out[-1].rstrip(",")
        out += ["   }", "  }" + ("," if i < len(cases) - 1 else "")]
    out += [" }", "}"]
    return "\n".join(out) + "\n"


def write(folder: Path, docs: Mapping[str, Document]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for checker, doc in docs.items():
        atomic_write(folder / f"{checker}.json", dump(doc))


def load(folder: Path) -> dict[str, Document]:
    """Every results file in `folder`, each checked against the one schema below; anything else is an EngineError."""
    if not folder.is_dir():
        raise EngineError("no such results folder", path=folder)
    docs: dict[str, Document] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data: object = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise EngineError(
                f"not a readable results file ({reason}); regenerate it with --results", path=path
            ) from None
        problem = _invalid(data, path.stem)
        if problem is not None:
            raise EngineError(f"not a results file: {problem}; regenerate it with --results", path=path)
        docs[path.stem] = cast(Document, data)
    return docs


# A cell is named `<target>-py<version>`, from the vocabulary only: its name reaches HTML attributes.
_CELL_KEY = re.compile(
    rf"^(?:{'|'.join(map(re.escape, TARGET_FINGERPRINTS))})-py(?:{'|'.join(map(re.escape, PYTHON_VERSIONS))})$"
)
_CELL_LISTS = ("divergences", "diagnostics", "problems")


def _fields(mapping: Mapping[str, object], names: tuple[str, ...], what: str) -> str | None:
    """Exactly these fields: the first one missing, or the first one unknown."""
    if missing := [f for f in names if f not in mapping]:
        return f"{what} has no `{missing[0]}`"
    if unknown := sorted(set(mapping) - set(names)):
        return f"{what} has an unknown field `{unknown[0]}`"
    return None


def _invalid(data: object, stem: str) -> str | None:
    """What is wrong with one decoded results file, field by field; None when it has the schema exactly."""
    if not isinstance(data, dict):
        return "the file is not a JSON object"
    try:  # a lone surrogate (`"\\ud800"`) is valid JSON but no output can hold it
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return "it holds a string that is not Unicode text (a lone surrogate) or is nested too deeply"
    doc = cast(dict[str, object], data)
    if wrong := _fields(doc, ("checker", "version", "runs", "cases"), "the file"):
        return wrong
    if doc["checker"] != stem:
        return f"`checker` is {doc['checker']!r}, but the file is named {stem}.json"
    if stem not in CHECKER_NAMES:
        return f"{stem!r} is not a checker the engine knows ({', '.join(CHECKER_NAMES)})"
    if not isinstance(doc["version"], str):
        return "`version` is not a string"
    runs, cases = doc["runs"], doc["cases"]
    if not isinstance(runs, dict) or not all(
        isinstance(k, str) and _CELL_KEY.match(k) and isinstance(v, str)
        for k, v in cast(dict[object, object], runs).items()
    ):
        return "`runs` is not a mapping of `<target>-py<version>` to a status"
    if not isinstance(cases, dict):
        return "`cases` is not a mapping"
    for case, raw in cast(dict[str, object], cases).items():
        if not isinstance(raw, dict):
            return f"case {case!r} is not a mapping"
        entry = cast(dict[str, object], raw)
        if wrong := _fields(entry, ("group", "claim", "messages", "cells"), f"case {case!r}"):
            return wrong
        if not isinstance(entry["group"], str) or not isinstance(entry["claim"], str):
            return f"case {case!r}: `group` and `claim` are strings"
        messages, cells = entry["messages"], entry["cells"]
        if not isinstance(messages, dict) or not all(
            isinstance(v, str) for v in cast(dict[str, object], messages).values()
        ):
            return f"case {case!r}: `messages` maps a diagnostic to its text"
        if not isinstance(cells, dict):
            return f"case {case!r}: `cells` is not a mapping"
        for key, cell in cast(dict[str, object], cells).items():
            if not _CELL_KEY.match(key):
                return f"case {case!r}: cell {key!r} is not named `<target>-py<version>`"
            if not isinstance(cell, dict):
                return f"case {case!r}: cell {key} is not a mapping"
            fields = cast(dict[str, object], cell)
            verdict = fields.get("verdict")
            if (
                not isinstance(verdict, str)
                or verdict not in VERDICT_WORDS
                or not set(fields) <= {"verdict", *_CELL_LISTS}
            ):
                return f"case {case!r}: cell {key} needs a verdict of {', '.join(VERDICT_WORDS)} and nothing unknown"
            for name in _CELL_LISTS:
                value = fields.get(name, [])
                if not isinstance(value, list) or not all(isinstance(v, str) for v in cast(list[object], value)):
                    return f"case {case!r}: cell {key}: `{name}` is a list of strings"
    return None


def diff(old: Mapping[str, Document], new: Mapping[str, Document]) -> list[str]:
    """Every cell, version or run status that differs, one line each; empty when nothing changed."""
    changes: list[str] = []
    for checker in sorted(set(old) | set(new)):
        if checker not in old or checker not in new:
            changes.append(f"{checker}: results {'added' if checker in new else 'removed'}")
            continue
        before, after = old[checker], new[checker]
        if before["version"] != after["version"]:
            changes.append(f"{checker}: version {before['version']} -> {after['version']}")
        runs_before, runs_after = before["runs"], after["runs"]
        for run in sorted(set(runs_before) | set(runs_after)):
            if runs_before.get(run) != runs_after.get(run):
                changes.append(f"{checker} {run}: run {runs_before.get(run)!r} -> {runs_after.get(run)!r}")
        for case in sorted(set(before["cases"]) | set(after["cases"])):
            empty: CaseEntry = {"group": "", "claim": "", "messages": {}, "cells": {}}
            entry_before, entry_after = before["cases"].get(case, empty), after["cases"].get(case, empty)
            cells_before, cells_after = entry_before["cells"], entry_after["cells"]
            msgs_before, msgs_after = entry_before["messages"], entry_after["messages"]
            for name in sorted(set(msgs_before) & set(msgs_after)):
                if msgs_before[name] != msgs_after[name]:
                    changes.append(f"{case} [{checker}] {name}: message {msgs_before[name]!r} -> {msgs_after[name]!r}")
            for key in sorted(set(cells_before) | set(cells_after)):
                a, b = cells_before.get(key), cells_after.get(key)
                if a == b:
                    continue
                va = a["verdict"] if a else "absent"
                vb = b["verdict"] if b else "absent"
                what = f"{va} -> {vb}" if va != vb else f"{va}, diagnostics changed"
                changes.append(f"{case} [{checker} {key}]: {what}")
    return changes
