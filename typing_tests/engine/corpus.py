"""Read the case files and the divergence registry; reject anything malformed with file:line."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from .checkers import CHECKERS, KINDS
from .model import Case, Divergence, EngineError, LineSpec
from .yamlcases import YamlCase, load_yaml_cases

CASE_NAME = re.compile(r"^check_[a-z0-9_]+(?:-py3(?P<minor>\d{1,2}))?\.py$")
_MARKER = re.compile(r"^(?P<name>[A-Za-z][\w?\[\]-]*)\s*:\s*(?P<body>.*)$")
_TERM_EXPLICIT = re.compile(r"^(?P<checker>[a-z]+)=(?P<codes>[A-Za-z][\w-]*(?:\+[A-Za-z][\w-]*)*)$")
_FORBIDDEN = re.compile(r"\b(type|pyright|pyrefly|ty|zuban|mypy)\s*:\s*ignore|\bnoqa\b")
TARGETS = frozenset({"stubs", "inline", "oldest"})
_MARKER_NAMES = frozenset({"E", "diverge"})
_STATIC_ONLY = re.compile(r"^#\s*static-only:(.*)$")


@dataclass(frozen=True)
class Corpus:
    root: Path
    cases: tuple[Case, ...]
    divergences: Mapping[str, Divergence]
    yaml_cases: tuple[YamlCase, ...] = ()


def load_corpus(root: Path, select: str | None = None) -> Corpus:
    """Load every case, or with `select` (a glob on paths below cases/) only the matching ones."""
    root = root.resolve()
    cases_dir = root / "cases"
    divergences = load_divergences(root / "divergences.toml")
    cases = load_cases(cases_dir, divergences, select)
    yaml_cases = load_yaml_cases(root / "yaml")
    if select is not None:
        return Corpus(root, cases, divergences, yaml_cases)
    used = {d for case in cases for spec in case.lines.values() for d in spec.divergences}
    for unused in sorted(set(divergences) - used):
        raise EngineError(
            f"divergence [{unused}] is not named by any case line; remove it", path=root / "divergences.toml"
        )
    return Corpus(root, cases, divergences, yaml_cases)


def load_cases(cases_dir: Path, divergences: Mapping[str, Divergence], select: str | None = None) -> tuple[Case, ...]:
    if not cases_dir.is_dir():
        raise EngineError("the corpus has no cases/ folder", path=cases_dir)
    paths = sorted(p for p in cases_dir.rglob("*.py") if "__pycache__" not in p.parts)
    if select is not None:
        paths = [p for p in paths if p.relative_to(cases_dir).match(select)]
    if not paths:
        raise EngineError("the corpus is empty: no check_*.py case files", path=cases_dir)
    seen: dict[str, Path] = {}
    cases: list[Case] = []
    for path in paths:
        case = parse_case(path, cases_dir, divergences)
        if case.id in seen:
            raise EngineError(f"duplicate case id {case.id!r}, also {seen[case.id]}", path=path, line=1)
        seen[case.id] = path
        cases.append(case)
    return tuple(cases)


def parse_case(path: Path, cases_dir: Path, divergences: Mapping[str, Divergence]) -> Case:
    match = CASE_NAME.match(path.name)
    if match is None:
        raise EngineError("case files are named check_<thing>.py, optionally with a -py3XX suffix", path=path, line=1)
    minor = match.group("minor")
    min_python = (3, int(minor)) if minor else None
    source = path.read_text(encoding="utf-8")
    claim = _claim(path, source, min_python)
    lines, static_only = _markers(path, source, divergences)
    group = path.parent.relative_to(cases_dir).as_posix() if path.parent != cases_dir else ""
    return Case(
        id=path.stem,
        path=path.resolve(),
        group=group or "-",
        claim=claim,
        min_python=min_python,
        lines=lines,
        static_only=static_only,
    )


def _claim(path: Path, source: str, min_python: tuple[int, int] | None) -> str:
    # Syntax newer than this interpreter (a -py312 case under 3.11) is left to the checkers.
    if min_python is None or min_python <= sys.version_info[:2]:
        try:
            ast.parse(source, filename=str(path))
        except SyntaxError as exc:
            raise EngineError(f"not valid Python: {exc.msg}", path=path, line=exc.lineno) from exc
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING)
    try:
        first = next(t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip)
        doc = ast.literal_eval(first.string) if first.type == tokenize.STRING else None
    except (tokenize.TokenError, SyntaxError, ValueError, StopIteration):
        doc = None
    if not isinstance(doc, str) or "\n" in doc.strip() or not doc.strip():
        raise EngineError("a case opens with a one-line docstring that states its claim", path=path, line=1)
    return doc.strip()


def _markers(path: Path, source: str, divergences: Mapping[str, Divergence]) -> tuple[dict[int, LineSpec], str | None]:
    """The claims per line, and the case's static-only justification if it has one."""
    specs: dict[int, LineSpec] = {}
    static_only: str | None = None
    code_lines: set[int] = set()
    comments: list[tuple[int, str]] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments.append((tok.start[0], tok.string))
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    for line, text in comments:
        if _FORBIDDEN.search(text):
            raise EngineError(
                "checker ignore comments are not allowed in cases; state the claim with `# E:`", path=path, line=line
            )
        segments = [s.strip() for s in text.split("#") if s.strip()]
        parsed = [(segment, _MARKER.match(segment)) for segment in segments]
        markers = [m for _, m in parsed if m is not None and m.group("name") in _MARKER_NAMES]
        if line not in code_lines:
            if markers:
                raise EngineError("a marker must stand at the end of the line it is about", path=path, line=line)
            if (m := _STATIC_ONLY.match(text)) is not None:
                if static_only is not None or not m.group(1).strip():
                    raise EngineError(
                        "give one `# static-only: <why the runtime cannot show it>`", path=path, line=line
                    )
                static_only = m.group(1).strip()
            continue
        for segment, m in parsed:
            if m is None or m.group("name") not in _MARKER_NAMES:
                raise EngineError(
                    f"unknown marker {'# ' + segment!r}; a trailing comment is `# E: <kinds>` or `# diverge: <ids>`",
                    path=path,
                    line=line,
                )
        specs[line] = _line_spec(path, line, markers, divergences)
    return specs, static_only


def _line_spec(path: Path, line: int, markers: list[re.Match[str]], divergences: Mapping[str, Divergence]) -> LineSpec:
    kinds: set[str] = set()
    explicit: dict[str, frozenset[str]] = {}
    diverge: list[str] = []
    for marker in markers:
        terms = [t.strip() for t in marker.group("body").split(",")]
        if not all(terms):
            raise EngineError(f"empty term in `# {marker.group(0)}`", path=path, line=line)
        for term in terms:
            if marker.group("name") == "diverge":
                if term not in divergences:
                    raise EngineError(
                        f"unknown divergence {term!r}; declare it in divergences.toml", path=path, line=line
                    )
                diverge.append(term)
            elif term in KINDS:
                kinds.add(term)
            elif (m := _TERM_EXPLICIT.match(term)) and m.group("checker") in CHECKERS:
                explicit[m.group("checker")] = frozenset(m.group("codes").split("+"))
            else:
                raise EngineError(f"unknown error kind {term!r}; known kinds: {', '.join(KINDS)}", path=path, line=line)
    return LineSpec(frozenset(kinds), explicit, tuple(diverge))


_DIVERGENCE_KEYS = frozenset({"reason", "issue", "reports", "targets"})


def load_divergences(path: Path) -> dict[str, Divergence]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EngineError(f"malformed TOML: {exc}", path=path) from exc
    found: dict[str, Divergence] = {}
    for ident, raw in data.items():
        if not isinstance(raw, dict):
            raise EngineError(f"[{ident}] must be a table", path=path)
        entry = cast(dict[str, object], raw)
        unknown = set(entry) - _DIVERGENCE_KEYS
        reason, issue, reports = entry.get("reason"), entry.get("issue"), entry.get("reports")
        if unknown or not isinstance(reason, str) or not isinstance(issue, str) or not isinstance(reports, dict):
            raise EngineError(f"[{ident}] needs reason, issue and reports (and nothing but targets besides)", path=path)
        parsed: dict[str, frozenset[str]] = {}
        for checker, codes in cast(dict[str, object], reports).items():
            if checker not in CHECKERS or not isinstance(codes, list):
                raise EngineError(
                    f"[{ident}] reports: {checker!r} is not a known checker with a list of codes", path=path
                )
            parsed[checker] = frozenset(str(c) for c in cast(list[object], codes))
        targets = entry.get("targets", sorted(TARGETS))
        if not isinstance(targets, list) or not set(cast(list[object], targets)) <= TARGETS:
            raise EngineError(f"[{ident}] targets must be a subset of {sorted(TARGETS)}", path=path)
        found[ident] = Divergence(ident, reason, issue, parsed, frozenset(str(t) for t in cast(list[object], targets)))
    return found
