"""The engine's architecture as a property: layers that import only downwards, and one vocabulary.

The layers are the folders of `bgtyping/` (README: Layout). A module may import its own layer and
the ones below it, never one above, so no import cycle can form between layers or inside one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bgtyping import checkers, model, paths

ENGINE = paths.ENGINE
# Lowest first. The top level holds the vocabulary (model, paths, fsutil) and the entry points users name.
LAYERS: dict[str, int] = {
    "bgtyping": 0,
    "bgtyping.model": 0,
    "bgtyping.paths": 0,
    "bgtyping.fsutil": 0,
    "bgtyping.escape": 0,
    "bgtyping.mypy_plugin": 0,
    "bgtyping.corpus": 1,
    "bgtyping.checkers": 2,
    "bgtyping.host": 3,
    "bgtyping.reuse": 4,
    "bgtyping.engine": 5,
    "bgtyping.output": 6,
    "bgtyping.cli": 7,
    "bgtyping.__main__": 7,
    "bgtyping.plugin": 7,
    "bgtyping.yamlbatch": 7,
    "bgtyping.yamlplugin": 7,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix]
    raise AssertionError(f"{module} belongs to no layer: add its folder to LAYERS and to the README's Layout")


def _imports(path: Path) -> set[str]:
    """Every bgtyping module this file imports, at any depth (a function-level import counts too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {t for t in found if t == "bgtyping" or t.startswith("bgtyping.")}


def _sources() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py") if "probes" not in p.relative_to(ENGINE).parts)


def test_every_module_imports_only_its_own_layer_or_lower() -> None:
    wrong = [
        f"{_module_name(p)} (layer {_layer(_module_name(p))}) imports {t} (layer {_layer(t)})"
        for p in _sources()
        for t in sorted(_imports(p))
        if _layer(t) > _layer(_module_name(p))
    ]
    assert not wrong, "\n".join(wrong)


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph (its modules in order), or [] when it has none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_import_cycle() -> None:
    graph = {_module_name(p): _imports(p) - {_module_name(p)} for p in _sources()}
    assert find_cycle(graph) == []
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # it can see one


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule above can fail: a corpus module that imports the engine is reported."""
    bad = ENGINE / "corpus" / "_upward_probe.py"
    bad.write_text("from ..engine import run\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match=r"bgtyping\.corpus\._upward_probe \(layer 1\) imports"):
            test_every_module_imports_only_its_own_layer_or_lower()
    finally:
        bad.unlink()


def test_the_checker_modules_are_exactly_the_vocabulary() -> None:
    assert tuple(checkers.CHECKERS) == model.CHECKER_NAMES
    for checker in checkers.CHECKERS.values():
        for kind, codes in model.PLUGIN_CODES.items():
            assert checker.codes[kind] == codes, checker.name


def test_the_mypy_plugin_takes_its_codes_from_the_vocabulary() -> None:
    from bgtyping import mypy_plugin

    assert {mypy_plugin.TASK_GENERATOR.code, mypy_plugin.TASK_UNAWAITED.code} == {
        code for codes in model.PLUGIN_CODES.values() for code in codes
    }


def test_the_mypy_plugin_loaded_by_path_finds_its_codes_without_the_engine() -> None:
    """mypy loads the plugin by path; where `bgtyping` is not importable, it reads the model beside it."""
    script = (
        "import importlib.util, sys\n"
        "sys.modules['bgtyping'] = None  # not importable, as in a mypy environment without the engine\n"
        f"spec = importlib.util.spec_from_file_location('by_path', {str(paths.MYPY_PLUGIN)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print(module.TASK_GENERATOR.code, module.TASK_UNAWAITED.code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [model.PLUGIN_CODE_GENERATOR, model.PLUGIN_CODE_UNAWAITED]
