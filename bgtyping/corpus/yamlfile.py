"""pytest-mypy-plugins YAML cases, read with their line numbers and checked before anything runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import yaml

from ..model import EngineError, YamlCase

KEYS = frozenset(
    {
        "case",
        "main",
        "out",
        "files",
        "mypy_config",
        "parametrized",
        "skip",
        "expect_fail",
        "regex",
        "env",
        "disable_cache",
    }
)
_CASE_NAME = re.compile(r"^[\w-]+$")
_OUT_LINE = re.compile(r"^(?P<file>[\w./-]+):(?P<line>\d+)(?::\d+)?: (?:error|note|warning): .+$")
_LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """Keeps the line of every mapping, so an error can point into the YAML file."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # pyright: ignore[reportUnknownMemberType]
            if key in seen:  # YAML would silently keep the last one: a case with `main:` twice
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def load_yaml_cases(folder: Path) -> tuple[YamlCase, ...]:
    if not folder.is_dir():
        return ()
    found: list[YamlCase] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("test_*.y*ml")):
        for case in _load_file(path):
            if case.id in seen:
                raise EngineError(
                    f"duplicate YAML case {case.id!r}, also in {seen[case.id]}", path=path, line=case.line
                )
            seen[case.id] = path
            found.append(case)
    return tuple(found)


def _load_file(path: Path) -> list[YamlCase]:
    try:
        data: object = yaml.load(path.read_bytes().decode("utf-8"), Loader=_LineLoader)
    except UnicodeDecodeError as exc:
        raise EngineError(f"not UTF-8 (byte {exc.start}): save the file as UTF-8", path=path) from None
    except OSError as exc:
        raise EngineError(f"cannot read: {exc.strerror or exc}", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise EngineError(f"malformed YAML: {problem}", path=path, line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, list) or not data:
        raise EngineError("a YAML case file is a non-empty list of cases", path=path, line=1)
    return [_case(path, item) for item in cast(list[object], data)]


def _case(path: Path, item: object) -> YamlCase:
    if not isinstance(item, dict):
        raise EngineError("each YAML case is a mapping with `case` and `main`", path=path)
    raw = cast(dict[str, Any], item)
    line = int(raw.get(_LINE, 0))
    unknown = sorted(set(raw) - KEYS - {_LINE})
    if unknown:
        raise EngineError(f"unknown key(s) {unknown} in YAML case", path=path, line=line)
    name, main = raw.get("case"), raw.get("main")
    if not isinstance(name, str) or not _CASE_NAME.match(name):
        raise EngineError("`case` is a name without spaces", path=path, line=line)
    if not isinstance(main, str):
        raise EngineError(f"case {name!r} has no `main` text", path=path, line=line)
    files = _files(path, line, raw.get("files", []))
    texts = {"main": main, **files, **{p.removesuffix(".py"): c for p, c in files.items()}}
    out = raw.get("out", "")
    if not isinstance(out, str):
        raise EngineError(f"case {name!r}: `out` is a block of text", path=path, line=line)
    out_lines = tuple(x for x in out.splitlines() if x.strip())
    for expected in out_lines:
        where = line
        match = _OUT_LINE.match(expected)
        if match is None:
            raise EngineError(f"case {name!r}: `out` line is not `file:line: severity: message`", path=path, line=where)
        target = texts.get(match["file"]) or texts.get(match["file"].removesuffix(".py"))
        if target is None:
            raise EngineError(f"case {name!r}: `out` names a file the case does not have: {match['file']}", path=path)
        if not 1 <= int(match["line"]) <= len(target.splitlines()):
            raise EngineError(
                f"case {name!r}: `out` expects {match['file']}:{match['line']}, a line that does not exist "
                f"({len(target.splitlines())} lines)",
                path=path,
                line=where,
            )
    config = raw.get("mypy_config")
    params = raw.get("parametrized", [])
    if not isinstance(params, list) or not all(isinstance(p, dict) for p in cast(list[object], params)):
        raise EngineError(f"case {name!r}: `parametrized` is a list of mappings", path=path, line=line)
    variants = tuple(
        {k: v for k, v in cast(dict[str, object], p).items() if k != _LINE} for p in cast(list[object], params)
    )
    return YamlCase(
        name,
        path,
        line,
        main,
        out_lines,
        files,
        config if isinstance(config, str) else None,
        variants,
        bool(raw.get("regex", False)),
        bool(raw.get("expect_fail", False)),
    )


def _files(path: Path, line: int, raw: object) -> dict[str, str]:
    if not isinstance(raw, list):
        raise EngineError("`files` is a list of {path, content}", path=path, line=line)
    found: dict[str, str] = {}
    for entry in cast(list[object], raw):
        if not isinstance(entry, dict) or not isinstance(cast(dict[str, object], entry).get("path"), str):
            raise EngineError("each `files` entry has a `path`", path=path, line=line)
        typed = cast(dict[str, object], entry)
        found[str(typed["path"])] = str(typed.get("content") or "")
    return found
