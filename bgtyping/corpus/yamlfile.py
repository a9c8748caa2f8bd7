"""pytest-mypy-plugins YAML files: collected, read and checked the way pytest-mypy-plugins 4.1.0 reads them.

Collection: `.yml`/`.yaml` files whose names start with `test-` or `test_`, in the folders given
(recursively, skipping what pytest skips by default) or named directly. Every key of its schema means
what it means there; other keys are allowed (an extension hook may read them) unless the schema is
closed. Where pytest-mypy-plugins would quietly run nothing, or run something else than written,
this reader fails: nothing collected, a case without `main`, a case id twice in one file, a template
variable no parametrization defines. What real suites hold and pytest-mypy-plugins reads without a
word is read the same way: an empty file (or `[]`) has no cases (`bgtyping yaml` still fails the run
for it once every other item is judged), and a key given twice in a case keeps its last value
(PyYAML's reading); the corpus's own files are refused for both.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from .. import escape
from ..model import CHECKER_NAMES, MATRIX_TARGETS, Case, EngineError, YamlCase
from .parsecache import ParseCache

if TYPE_CHECKING:
    import jinja2

# The keys of pytest-mypy-plugins' schema; `__line__` is the reader's own.
KEYS = frozenset(
    {"case", "main", "out", "files", "mypy_config", "parametrized", "skip", "expect_fail", "regex", "env",
     "disable_cache", "marks"}
)  # fmt: skip
# The engine's own key: pytest-mypy-plugins allows extra keys (unless its schema is closed) and ignores them.
OWN_KEY = "bgtyping"
_CASE_NAME = re.compile(r"^[a-zA-Z0-9_]+$")
_OUT_LINE = re.compile(r"^(?P<file>[\w./-]+):(?P<line>\d+)(?::\d+)?: (?:error|note|warning): .+$")
_MARK = re.compile(r"^[a-zA-Z_]\w*$")
_BLOCK = re.compile(r"^\s*(?:-\s+)?main:\s*[|>][-+0-9]*\s*(?:#.*)?$")
_LINE = "__line__"
# pytest's default `norecursedirs`; a folder holding a virtual environment is skipped too.
_NO_RECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


@functools.cache
def jinja() -> jinja2.Environment:
    """pytest-mypy-plugins' template environment; Jinja is imported only for a case that is a template."""
    import jinja2

    return jinja2.Environment()


def is_yaml_test_file(path: Path) -> bool:
    """The file pytest-mypy-plugins' collector accepts."""
    return path.suffix in {".yaml", ".yml"} and path.name.startswith(("test-", "test_"))


def collect(paths: Sequence[Path]) -> list[Path]:
    """The YAML test files below `paths`, sorted per folder as pytest visits them; none at all is an error."""
    if not paths:
        raise EngineError("name at least one YAML file or folder")
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            if not is_yaml_test_file(path):
                raise EngineError(
                    "not a YAML test file: pytest-mypy-plugins collects `test-*.yml`, `test_*.yml` "
                    "(or .yaml) only; rename it",
                    path=path,
                )
            found.append(path)
        elif path.is_dir():
            found.extend(_walk(path))
        else:
            raise EngineError("no such file or folder", path=path)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        shown = ", ".join(str(p) for p in paths)
        raise EngineError(f"no YAML test files (test-*.yml, test_*.yml, .yaml) in {shown}; nothing to check")
    return unique


def _walk(folder: Path) -> Iterable[Path]:
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    for entry in entries:
        if entry.is_file() and is_yaml_test_file(Path(entry.path)):
            yield Path(entry.path)
    for entry in entries:
        skipped = any(fnmatch.fnmatch(entry.name, p) for p in _NO_RECURSE)
        if entry.is_dir() and not skipped and not (Path(entry.path) / "pyvenv.cfg").is_file():
            yield from _walk(Path(entry.path))


class _LineLoader(yaml.SafeLoader):
    """Keeps the line of every case (at its `main:` key, as pytest-mypy-plugins counts), refuses a key twice."""

    strict = True  # the corpus's own files: a key twice is refused

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        line = node.start_mark.line + 1
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # pyright: ignore[reportUnknownMemberType]
            try:
                hash(key)
            except TypeError:  # `? [k]`: what PyYAML itself says of it, not a traceback
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                ) from None
            if key in seen and self.strict:  # YAML would silently keep the last one: a case with `main:` twice
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
            if key == "main":
                line = key_node.start_mark.line + 1
        mapping = super().construct_mapping(node, deep=deep)
        if "case" in mapping:
            mapping[_LINE] = line
        return mapping


class _SuiteLoader(_LineLoader):
    """A user's suite is read as pytest-mypy-plugins reads it: a key given twice keeps its last value."""

    strict = False


def load_yaml_cases(folder: Path, cache: ParseCache | None = None) -> tuple[YamlCase, ...]:
    """The corpus's own YAML cases (closed schema): an absent folder has none. `cache` keeps what PyYAML
    read from each file by the file's bytes (corpus/parsecache.py), so an unchanged file is not read again."""
    if not folder.is_dir():
        return ()
    return load_files(collect([folder]), closed=True, ours=True, cache=cache)


def load_files(
    paths: Sequence[Path],
    *,
    closed: bool = False,
    duplicates: bool = False,
    ours: bool = False,
    cache: ParseCache | None = None,
) -> tuple[YamlCase, ...]:
    """`duplicates`: allow a case name twice in one file, as pytest-mypy-plugins does (both run, under one id).

    `closed` is pytest-mypy-plugins' closed schema, which refuses the engine's own key too; `ours` (the
    corpus's files) closes the schema but for that key."""
    found: list[YamlCase] = []
    for path in paths:
        found.extend(_load_file(path, closed, duplicates, ours, cache))
    return tuple(found)


def _load_file(
    path: Path, closed: bool, duplicates: bool = False, ours: bool = False, cache: ParseCache | None = None
) -> list[YamlCase]:
    try:
        data = _parse(path.read_bytes(), _LineLoader if ours else _SuiteLoader, cache)
    except UnicodeDecodeError as exc:
        raise EngineError(f"not UTF-8 (byte {exc.start}): save the file as UTF-8", path=path) from None
    except OSError as exc:
        raise EngineError(f"cannot read: {exc.strerror or exc}", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise EngineError(f"malformed YAML: {problem}", path=path, line=mark.line + 1 if mark else None) from exc
    if data is None and not ours:
        return []  # an empty file (or only comments): pytest-mypy-plugins collects nothing from it, and says nothing
    if not isinstance(data, list) or (not data and ours):
        raise EngineError("a YAML test file is a non-empty list of cases", path=path, line=1)
    cases = [_case(path, item, closed, ours) for item in cast(list[object], data)]
    seen: dict[str, int] = {}
    for case in cases:
        if case.id in seen and not duplicates:
            raise EngineError(
                f"case {case.id!r} is defined twice (also line {seen[case.id]}): two items under one id cannot be "
                "told apart; rename one (or pass --allow-duplicate-case-ids to run both, as pytest-mypy-plugins does)",
                path=path,
                line=case.line,
            )
        seen[case.id] = case.line
    return cases


def _parse(raw: bytes, loader: type[_LineLoader], cache: ParseCache | None) -> object:
    """PyYAML's reading of a file, or what it read of these very bytes before. Kept only when JSON holds
    it exactly (plain strings, numbers, lists and mappings with text keys): a date, bytes, a NaN or an
    anchor that refers to itself is read again every time."""
    name = f"yaml\0{loader.__name__}\0{yaml.__version__}"  # no file name holds a NUL: no case's entry
    kept = cache.text(name, raw) if cache is not None else None
    if kept is not None:
        with contextlib.suppress(ValueError, RecursionError):
            return cast(object, json.loads(kept))
    data: object = yaml.load(raw.decode("utf-8"), Loader=loader)
    if cache is not None:
        try:
            text = json.dumps(data, allow_nan=False)
            exact = json.loads(text) == data
        except (TypeError, ValueError, RecursionError):
            return data
        if exact:
            cache.keep(name, raw, text)
    return data


def _case(path: Path, item: object, closed: bool, ours: bool = False) -> YamlCase:
    if not isinstance(item, dict):
        raise EngineError("each case is a mapping with `case` and `main`", path=path)
    raw = cast(dict[str, Any], item)
    line = int(raw.get(_LINE, 0))

    def fail(message: str) -> EngineError:
        return EngineError(message, path=path, line=line or None)

    name = raw.get("case")
    if not isinstance(name, str) or not _CASE_NAME.match(name):
        raise fail("`case` is a name of letters, digits and underscores")
    unknown = sorted(set(raw) - KEYS - {_LINE, *((OWN_KEY,) if ours else ())})
    if "main" not in raw:
        hint = f" (is {unknown[0]!r} a typo?)" if unknown else ""
        raise fail(f"case {name!r} has no `main`{hint}")
    if closed and unknown:
        raise fail(f"case {name!r}: unknown key(s) {unknown} (the schema is closed)")
    main = raw["main"]
    if not isinstance(main, str):
        raise fail(f"case {name!r}: `main` is text")
    typed: dict[str, tuple[type, ...]] = {
        "out": (str,), "mypy_config": (str,), "expect_fail": (bool,), "regex": (bool,),
        "disable_cache": (bool,), "skip": (bool, str), "files": (list,), "env": (list,),
        "parametrized": (list,), "marks": (list,),
    }  # fmt: skip
    for key, kinds in typed.items():
        if key in raw and not isinstance(raw[key], kinds):
            raise fail(f"case {name!r}: `{key}` must be {' or '.join(k.__name__ for k in kinds)}")
    files = _files(raw.get("files", []), fail, name)
    env = tuple(raw.get("env", []))
    if not all(isinstance(e, str) for e in env):
        raise fail(f"case {name!r}: `env` is a list of NAME=VALUE strings")
    marks = tuple(raw.get("marks", []))
    if not all(isinstance(m, str) and _MARK.match(m) for m in marks):
        raise fail(f"case {name!r}: `marks` are identifiers")
    params = _parametrized(raw.get("parametrized", []), fail, name)
    out = str(raw.get("out", ""))
    config = str(raw.get("mypy_config", ""))
    defined = set[str].intersection(*(set(p) for p in params)) if params else set[str]()
    for label, text in (("main", main), ("out", out), ("mypy_config", config)):
        if "{{" in text or "{%" in text:
            import jinja2.meta

            try:
                used = jinja2.meta.find_undeclared_variables(jinja().parse(text))
            except jinja2.TemplateSyntaxError as exc:
                raise fail(f"case {name!r}: `{label}` is not a valid template: {exc.message}") from None
            if missing := sorted(used - defined):
                raise fail(f"case {name!r}: `{label}` uses {missing}, which no parametrization defines")
    if closed:
        _check_out(out, main, files, fail, name)
    return YamlCase(
        id=name,
        path=path,
        line=line,
        main=main,
        out=tuple(x for x in out.splitlines() if x.strip()),
        files=dict(files),
        mypy_config=config or None,
        parametrized=tuple(params),
        regex=bool(raw.get("regex", False)),
        expect_fail=bool(raw.get("expect_fail", False)),
        skip=str(raw.get("skip", "False")),
        env=env,
        disable_cache=bool(raw.get("disable_cache", False)),
        marks=marks,
        file_list=tuple(files),
        raw={k: v for k, v in raw.items() if k != _LINE},
        out_text=out,
        not_comparable=_own_key(raw.get(OWN_KEY), fail, name),
        targets=_own_targets(raw.get(OWN_KEY), fail, name),
    )


def _own_targets(raw: object, fail: Any, name: str) -> tuple[str, ...]:
    """`bgtyping: {targets: [stubs]}`: the matrix targets whose messages the case spells (default: all)."""
    if not isinstance(raw, dict) or "targets" not in raw:
        return ()
    targets = cast(dict[object, object], raw)["targets"]
    if not isinstance(targets, list) or not targets or not set(cast(list[object], targets)) <= set(MATRIX_TARGETS):
        raise fail(f"case {name!r}: `{OWN_KEY}: targets` is a list of {', '.join(MATRIX_TARGETS)}")
    return tuple(str(t) for t in cast(list[object], targets))


def _own_key(raw: object, fail: Any, name: str) -> dict[str, str]:
    """`bgtyping: {not-comparable: {CHECKER: reason}}`: where the case cannot be judged line by line."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(cast(dict[object, object], raw)) - {"not-comparable", "targets"}:
        raise fail(f"case {name!r}: `{OWN_KEY}` holds `not-comparable` and `targets`, nothing else")
    if "not-comparable" not in raw:
        return {}
    entries = cast(dict[object, object], raw).get("not-comparable")
    if not isinstance(entries, dict) or not entries:
        raise fail(f"case {name!r}: `{OWN_KEY}: not-comparable` maps checker names to a reason")
    found: dict[str, str] = {}
    for checker, reason in cast(dict[object, object], entries).items():
        if checker not in CHECKER_NAMES or checker == "mypy":
            others = ", ".join(c for c in CHECKER_NAMES if c != "mypy")
            raise fail(f"case {name!r}: `not-comparable` names {checker!r}; it takes {others} (mypy is always exact)")
        if not isinstance(reason, str) or not reason.strip():
            raise fail(f"case {name!r}: `not-comparable: {checker}` needs a reason")
        found[str(checker)] = reason.strip()
    return found


def _check_out(out: str, main: str, files: list[tuple[str, str]], fail: Any, name: str) -> None:
    """The corpus's own cases (closed schema) are held to more than pytest-mypy-plugins holds them: it
    ignores an `out` line it cannot read, which would drop an expectation without a word."""
    texts = {"main": main, **{p.removesuffix(".py"): c for p, c in files}}
    for expected in (x.strip() for x in out.splitlines() if x.strip()):
        match = _OUT_LINE.match(expected)
        if match is None:
            raise fail(f"case {name!r}: `out` line is not `file:line: severity: message`: {expected[:80]}")
        target = texts.get(match["file"].removesuffix(".py"))
        if target is None:
            raise fail(f"case {name!r}: `out` names a file the case does not have: {match['file']}")
        if "{{" not in target and not 1 <= int(match["line"]) <= len(target.splitlines()):
            raise fail(
                f"case {name!r}: `out` expects {match['file']}:{match['line']}, a line that does not exist "
                f"({len(target.splitlines())} lines)"
            )


def _files(raw: object, fail: Any, name: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in cast(list[object], raw):
        if not isinstance(entry, dict):
            raise fail(f"case {name!r}: each `files` entry is a mapping with `path`")
        typed = cast(dict[str, object], entry)
        if "path" not in typed:  # required by pytest-mypy-plugins' schema: it stops at collection
            raise fail(f"case {name!r}: a `files` entry has no `path` (pytest-mypy-plugins' schema requires one)")
        if not isinstance(typed["path"], str) or not isinstance(typed.get("content", ""), str):
            raise fail(f"case {name!r}: a `files` entry has a text `path` and `content`")
        found.append((typed["path"], str(typed.get("content", ""))))
    return found


def _parametrized(raw: object, fail: Any, name: str) -> list[Mapping[str, object]]:
    """pytest-mypy-plugins' parametrizations: every entry with the same keys; keys starting `__` dropped."""
    found: list[Mapping[str, object]] = []
    keys: set[str] | None = None
    for index, entry in enumerate(cast(list[object], raw)):
        if not isinstance(entry, dict):
            raise fail(f"case {name!r}: `parametrized` is a list of mappings")
        params = {str(k): v for k, v in cast(dict[object, object], entry).items() if not str(k).startswith("__")}
        if keys is None:
            keys = set(params)
        elif missing := sorted(keys - set(params)):  # more keys are allowed, as pytest-mypy-plugins allows them
            raise fail(f"case {name!r}: parametrization {index + 1} lacks {missing}, which the first one has")
        found.append(params)
    return found


def param_suffix(params: Mapping[str, object]) -> str:
    """pytest-mypy-plugins' node id suffix of one parametrization: `[a=1,b=x]`."""
    return "[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]" if params else ""


def entries(cases: Sequence[YamlCase], corpus_root: Path) -> tuple[Case, ...]:
    """One corpus entry per item, `FILE::case[params]` (its node id below the corpus's yaml/ folder)."""
    found: list[Case] = []
    for case in cases:
        data = case.path.read_bytes()
        lines = data.decode("utf-8-sig").split("\n")
        # `main: |` puts its first line on the next line of the file; an inline `main: "..."` has no lines of its own.
        block = 0 < case.line <= len(lines) and _BLOCK.match(lines[case.line - 1]) is not None
        title = case.id.replace("_", " ")
        for params in case.parametrized or ({},):
            suffix = param_suffix(params)
            if (bad := escape.first_invisible(suffix)) is not None:
                # The id reaches every output (pytest's node ids among them, which the engine does not escape).
                raise EngineError(
                    f"case {case.id!r}: a parametrized value holds a control character ({escape.visible(bad)})",
                    path=case.path,
                    line=case.line,
                )
            found.append(
                Case(
                    id=f"{case.path.relative_to(corpus_root / 'yaml').as_posix()}::{case.id}{suffix}",
                    path=case.path.resolve(),
                    group="yaml",
                    claim=f"{title}{suffix} (pytest-mypy-plugins case, {case.path.name}:{case.line})",
                    min_python=None,
                    lines={},
                    data=data,
                    kind="yaml",
                    # Their expected output is mypy's text for the pinned releases: the matrix's targets only,
                    # not `oldest` (stubs over the oldest release).
                    targets=frozenset(case.targets or MATRIX_TARGETS),
                    main=case.main,
                    main_line=case.line + 1 if block else 0,
                )
            )
    return tuple(found)


_DIVERGE = re.compile(r"^diverge:\s*(?P<ids>[\w-]+(?:\s*,\s*[\w-]+)*)\s*$")


def diverge_comments(files: Iterable[tuple[str, str]]) -> dict[tuple[str, int], tuple[str, ...]]:
    """(file name as expected output names it, line) -> the divergences its `# diverge: ID, ID` names.

    The comment sits beside the line's claims; pytest-mypy-plugins' matcher, which splits a line at ` # `,
    skips it."""
    found: dict[tuple[str, int], tuple[str, ...]] = {}
    for path, content in files:
        for number, line in enumerate(content.split("\n"), 1):
            for piece in line.split(" # ")[1:]:
                if m := _DIVERGE.match(piece.strip()):
                    ids = tuple(i.strip() for i in m["ids"].split(",") if i.strip())
                    found[(path.removesuffix(".py"), number)] = ids
    return found
