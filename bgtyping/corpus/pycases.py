"""Read the `check_*.py` case files; reject anything malformed with file:line."""

from __future__ import annotations

import ast
import io
import os
import re
import sys
import tokenize
import warnings
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .. import escape
from ..model import CHECKER_NAMES, KINDS, PYTHON_VERSIONS, Case, Divergence, EngineError, LineSpec
from .comments import find_comments, scan_comments
from .parsecache import ParseCache, Parsed

_NAMES = "|".join(sorted(CHECKER_NAMES, key=len, reverse=True))
CASE_NAME = re.compile(r"^check_[a-z0-9_]+(?:-py3(?P<minor>\d{1,2}))?\.py$")
_MARKER = re.compile(r"^(?P<name>[A-Za-z][\w?\[\]-]*)\s*:\s*(?P<body>.*)$")
_TERM_EXPLICIT = re.compile(r"^(?P<checker>[a-z]+)=(?P<codes>[A-Za-z][\w-]*(?:\+[A-Za-z][\w-]*)*)$")
_FORBIDDEN = re.compile(rf"\b(type|{_NAMES})\s*:\s*ignore|\bnoqa\b|\bpyre-")
# Inline checker configuration (`# mypy: disable-error-code=...`, `# pyright: basic`, `# ty: ...`) and
# type comments would change what a checker reports from inside the case; the engine owns the config.
_CONFIG_COMMENT = re.compile(rf"#\s*({_NAMES}|type)\s*:", re.IGNORECASE)
# Code behind these is skipped by checkers (unreachable on this platform/version, or not type-checked).
_SKIPPED_CODE = re.compile(r"\b(?:TYPE_CHECKING|no_type_check(?:_decorator)?|sys\.platform|sys\.version_info)\b")
_PYTHONISH = re.compile(r"\.(py|pyi|pyw)$", re.IGNORECASE)
_MARKER_NAMES = frozenset({"E", "diverge"})
_STATIC_ONLY = re.compile(r"^#\s*static-only:(.*)$")


def load_cases(
    cases_dir: Path,
    divergences: Mapping[str, Divergence],
    select: str | None = None,
    cache: ParseCache | None = None,
) -> tuple[Case, ...]:
    if not cases_dir.is_dir():
        raise EngineError("the corpus has no cases/ folder", path=cases_dir)
    everything = _listing(cases_dir)
    for parts, path, _ in everything:
        if (bad := escape.first_invisible("/".join(parts))) is not None:
            # Folder names reach every output (pytest's node ids among them, which the engine does not escape).
            raise EngineError(f"a case path holds a control character ({escape.visible(bad)}); rename it", path=path)
        # A case the loader would skip (`check_x.pyi`, `check_x.PY`) must not go unjudged silently.
        name = parts[-1]
        if (_PYTHONISH.search(name) or name.startswith("check_")) and not name.endswith(".py"):
            raise EngineError("not a case file: cases end in `.py` (rename or remove it)", path=path)
    found = [entry for entry in everything if entry[0][-1].endswith(".py")]
    if not found:
        raise EngineError("the corpus is empty: no check_*.py case files", path=cases_dir)
    if select is not None and not select.strip():
        raise EngineError("--select needs a glob, e.g. 'sync/*'")
    if select is not None:
        total = len(found)
        found = [entry for entry in found if PurePosixPath(*entry[0]).match(select)]
        if not found:
            raise EngineError(f"--select {select!r} matched none of the {total} case files below {cases_dir}")
    seen: dict[str, Path] = {}
    cases: list[Case] = []
    folders: dict[tuple[str, ...], Path] = {}
    for parts, path, link in found:
        if parts[-1].startswith("check_probe_"):  # staged beside the engine's probes, under the same module name
            raise EngineError("case names starting with check_probe_ are the engine's own probes; rename it", path=path)
        # Resolved once per folder, not per case (a full resolve is a stat per path component, per case);
        # only a file that is itself a symlink is resolved on its own.
        if link:
            resolved = path.resolve()
        else:
            folder = folders.get(parts[:-1])
            if folder is None:
                folder = folders[parts[:-1]] = path.parent.resolve()
            resolved = folder / parts[-1]
        case = parse_case(path, cases_dir, divergences, cache, resolved, "/".join(parts[:-1]))
        if case.id in seen:
            raise EngineError(f"duplicate case id {case.id!r}, also {seen[case.id]}", path=path, line=1)
        seen[case.id] = path
        cases.append(case)
    return tuple(cases)


def _listing(cases_dir: Path) -> list[tuple[tuple[str, ...], Path, bool]]:
    """Every file below `cases_dir` but `__pycache__`, in path order: (its parts below cases_dir, its
    path, whether it is a symlink). Symlinked folders are not entered (as `Path.rglob` does not); a
    folder that cannot be read is an error, never a hole in the corpus. One scandir per folder."""
    found: list[tuple[tuple[str, ...], str, bool]] = []
    pending: list[tuple[tuple[str, ...], str]] = [((), str(cases_dir))]
    while pending:
        parts, folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name == "__pycache__":
                        continue
                    below = (*parts, entry.name)
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((below, entry.path))
                    elif _leads_to_a_file(entry):  # a symlink counts as what it points to
                        found.append((below, entry.path, entry.is_symlink()))
        except OSError as exc:
            raise EngineError(
                f"cannot read this folder of the corpus: {exc.strerror or exc}", path=Path(folder)
            ) from None
    found.sort()
    return [(parts, Path(path), link) for parts, path, link in found]


def _leads_to_a_file(entry: os.DirEntry[str]) -> bool:
    """A symlink that leads nowhere (broken, a loop, a folder) is nothing, unless its name is a case's:
    a case must never go unjudged silently."""
    try:
        if entry.is_file():
            return True
        why = "it leads to no file"
    except OSError as exc:  # a symlink loop
        why = exc.strerror or str(exc)
    if entry.is_symlink() and (entry.name.startswith("check_") or _PYTHONISH.search(entry.name)):
        raise EngineError(
            f"this case is a symlink that cannot be read ({why}); fix or remove it", path=Path(entry.path)
        )
    return False


def parse_case(
    path: Path,
    cases_dir: Path,
    divergences: Mapping[str, Divergence],
    cache: ParseCache | None = None,
    resolved: Path | None = None,
    group: str | None = None,
) -> Case:
    match = CASE_NAME.match(path.name)
    if match is None:
        raise EngineError("case files are named check_<thing>.py, optionally with a -py3XX suffix", path=path, line=1)
    minor = match.group("minor")
    if minor and f"3.{minor}" not in PYTHON_VERSIONS:
        raise EngineError(
            f"-py3{minor} names no supported Python version ({', '.join(PYTHON_VERSIONS)}), so no run would judge it",
            path=path,
            line=1,
        )
    min_python = (3, int(minor)) if minor else None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EngineError(f"cannot read: {exc.strerror or exc}", path=path) from None
    parsed = cache.get(path.name, data, divergences) if cache is not None else None
    if parsed is None:
        parsed = _parse(path, data, divergences, min_python)
        if cache is not None:
            parsed = cache.put(path.name, data, parsed)
    if group is None:
        group = path.parent.relative_to(cases_dir).as_posix() if path.parent != cases_dir else ""
    return Case(
        id=path.stem,
        path=resolved or path.resolve(),
        group=group or "-",
        claim=parsed.claim,
        min_python=min_python,
        lines=parsed.lines,
        static_only=parsed.static_only,
        data=data,
    )


def _parse(
    path: Path, data: bytes, divergences: Mapping[str, Divergence], min_python: tuple[int, int] | None
) -> Parsed:
    """Everything that reads the case's content: what the parse cache keeps."""
    try:
        source = data.decode("utf-8-sig")  # a BOM is valid Python; checkers read the staged bytes as they are
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EngineError(f"not UTF-8 (byte {exc.start}): save the case as UTF-8", path=path, line=line) from None
    if (lone := re.search(r"\r(?!\n)", source)) is not None:
        # Python and editors end a line at a lone CR, the tokenizer here does not: markers would move.
        line = source[: lone.start()].count("\n") + 1
        raise EngineError("a lone carriage return (CR) ends a line; use LF or CRLF line endings", path=path, line=line)
    if (skipped := _SKIPPED_CODE.search(source)) is not None:
        line = source[: skipped.start()].count("\n") + 1
        raise EngineError(
            f"`{skipped.group(0)}` makes checkers skip code, so its claims would go unchecked; cases may not use it",
            path=path,
            line=line,
        )
    claim = _claim(path, source, min_python)
    lines, static_only = _markers(path, source, divergences, newer=_newer(min_python))
    return Parsed(claim, lines, static_only)


def _newer(min_python: tuple[int, int] | None) -> bool:
    """Syntax newer than this interpreter: its tokenizer cannot be trusted (PEP 701 f-strings)."""
    return min_python is not None and min_python > sys.version_info[:2]


def _claim(path: Path, source: str, min_python: tuple[int, int] | None) -> str:
    doc: object = None
    if _newer(min_python):
        # Syntax newer than this interpreter (a -py312 case under 3.11) is left to the checkers; its first
        # token is still read by this interpreter's tokenizer.
        skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING)
        try:
            first = next(t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip)
            doc = ast.literal_eval(first.string) if first.type == tokenize.STRING else None
        except (tokenize.TokenError, SyntaxError, ValueError, StopIteration, MemoryError, RecursionError):
            doc = None
    else:
        try:
            with warnings.catch_warnings():  # a SyntaxWarning would print the case's source raw to stderr
                warnings.simplefilter("ignore")
                tree = ast.parse(source, filename=str(path))
        except SyntaxError as exc:
            raise EngineError(f"not valid Python: {exc.msg}", path=path, line=exc.lineno) from exc
        except (RecursionError, MemoryError, ValueError) as exc:
            raise EngineError(f"cannot be parsed: {type(exc).__name__}", path=path) from None
        opening = tree.body[0] if tree.body else None
        if isinstance(opening, ast.Expr) and isinstance(opening.value, ast.Constant):
            doc = opening.value.value
    if not isinstance(doc, str) or "\n" in doc.strip() or not doc.strip():
        raise EngineError("a case opens with a one-line docstring that states its claim", path=path, line=1)
    if (bad := escape.first_invisible(doc, allowed="\t")) is not None:
        # A claim is printed, annotated, put in JUnit and on the results page: plain text only.
        raise EngineError(
            f"the claim holds a control character ({escape.visible(bad)}); state it in plain text",
            path=path,
            line=1,
        )
    return doc.strip()


def _markers(
    path: Path, source: str, divergences: Mapping[str, Divergence], *, newer: bool = False
) -> tuple[dict[int, LineSpec], str | None]:
    """The claims per line, and the case's static-only justification if it has one."""
    specs: dict[int, LineSpec] = {}
    static_only: str | None = None
    comments, code_lines = scan_comments(source) if newer else find_comments(source)
    for line, text in comments:
        if _FORBIDDEN.search(text):
            raise EngineError(
                "checker ignore comments are not allowed in cases; state the claim with `# E:`", path=path, line=line
            )
        if (config := _CONFIG_COMMENT.search(text)) is not None:
            raise EngineError(
                f"inline checker configuration (`# {config.group(1)}: ...`) is not allowed in cases: "
                "the engine configures every checker",
                path=path,
                line=line,
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
            elif (m := _TERM_EXPLICIT.match(term)) and m.group("checker") in CHECKER_NAMES:
                explicit[m.group("checker")] = frozenset(m.group("codes").split("+"))
            else:
                raise EngineError(f"unknown error kind {term!r}; known kinds: {', '.join(KINDS)}", path=path, line=line)
    return LineSpec(frozenset(kinds), explicit, tuple(diverge))
