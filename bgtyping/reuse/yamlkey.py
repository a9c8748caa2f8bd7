"""Reuse the YAML items' verdicts of a run when nothing they depend on changed (the `.py` side: key.py).

The key covers, by content: the engine's code and the interpreter running it (a `skip:` expression is
evaluated there, with `os` and `platform`), the checker's installation and the target as key.py
fingerprints them, every file of the corpus's yaml/ folder (the YAML files, whose `files:` and
`mypy_config` are inline, and the base mypy.ini), the divergence registry the verdicts are judged
against, every file below a folder an item's `env:` names, the options of the run (the checker's
flags, the Python version, pytest-mypy-plugins' options as the engine sets them), the environment
variables the run passes, and which items the corpus has. When in doubt, the key misses.

Only a run whose every item was judged and none failed is saved: a failure may come from something
outside the key (a crash, a timeout), so it is always judged again. Anything unreadable is a miss.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import platform
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from ..fsutil import atomic_write
from ..model import Corpus, Outcome, Problem, RunKey, Verdict
from ..paths import YAML_REUSE_FILE
from .fingerprint import Digest
from .key import KeyInputs, registry_json

# What pytest-mypy-plugins' environment of an item reads from the engine's own (engine/yamlrun._environment).
_READ_FROM_ENVIRON = ("MYPYPATH", "PYTHONPATH", "SYSTEMROOT")


def corpus_digest(inputs: KeyInputs, corpus: Corpus) -> str:
    """The YAML side of the corpus, once per plan: its files by content, its items, the registry."""

    def compute() -> str:
        digest = hashlib.sha256()
        folder = corpus.root / "yaml"
        _content_tree(digest, folder)
        for path in sorted({c.path.resolve() for c in corpus.yaml_cases}):  # a file outside yaml/ too
            _content_tree(digest, path)
        digest.update(json.dumps([[e.id, sorted(e.targets)] for e in corpus.yaml_entries]).encode())
        digest.update(registry_json(corpus.divergences).encode(errors="surrogateescape"))
        # An `env:` value may name folders (MYPYPATH, PYTHONPATH) and expand the engine's variables.
        variables: dict[str, str] = {name: os.environ.get(name, "\0unset") for name in _READ_FROM_ENVIRON}
        for case in corpus.yaml_cases:
            for entry in case.env:
                value = os.path.expandvars(entry.partition("=")[2])
                variables[f"{case.id}\0{entry}"] = value
                for part in value.split(os.pathsep):
                    if part:
                        _content_tree(digest, folder / part if not os.path.isabs(part) else Path(part))
        # A mypy config's `mypy_path` or a plugin's path may name files outside yaml/, as MYPYPATH may.
        base = folder / "mypy.ini"
        configs = [base.read_text(encoding="utf-8")] if base.is_file() else []
        configs += [
            c.mypy_config if "[mypy" in c.mypy_config else f"[mypy]\n{c.mypy_config}"
            for c in corpus.yaml_cases
            if c.mypy_config
        ]
        for text in configs:
            _named_paths(digest, text)
        if any(c.env or c.skip.strip() not in ("False", "false", "") for c in corpus.yaml_cases):
            variables.update({f"environ\0{k}": v for k, v in os.environ.items()})  # a `skip:` may read any
        digest.update(json.dumps(variables, sort_keys=True).encode())
        digest.update(json.dumps([sys.executable, sys.version, platform.platform(), sys.platform]).encode())
        return digest.hexdigest()

    return inputs.part("yaml-corpus", str(corpus.root), compute)


# mypy options whose values name files or folders whose content mypy reads.
_PATH_OPTIONS = ("mypy_path", "plugins", "custom_typeshed_dir")


def _named_paths(digest: Digest, text: str) -> None:
    """Every absolute path a mypy config's path options name, by content (a relative one is read against
    the item's own folder, which the engine writes); a config that cannot be read is never a hit."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        digest.update(os.urandom(16))
        return
    for section in parser.sections():
        for option in _PATH_OPTIONS:
            for part in re.split(r"[,:\s]+", parser.get(section, option, fallback="")):
                path = os.path.expanduser(os.path.expandvars(part))
                if os.path.isabs(path):
                    _content_tree(digest, Path(path))


def _content_tree(digest: Digest, root: Path) -> None:
    """Every file below `root` by path and content (a YAML folder is small); anything unreadable differs."""
    digest.update(f"tree\0{root}\n".encode(errors="surrogateescape"))
    if root.is_file():
        try:
            digest.update(hashlib.sha256(root.read_bytes()).digest())
        except OSError:
            digest.update(os.urandom(16))
        return
    if not root.is_dir():
        digest.update(b"missing\n")
        return
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        digest.update(f"{path.relative_to(root)}\0{path.is_file()}\n".encode(errors="surrogateescape"))
        if path.is_file():
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(os.urandom(16))  # never a hit


def yaml_key(
    inputs: KeyInputs,
    corpus: Corpus,
    key: RunKey,
    checker_part: str,
    options: Mapping[str, object],
) -> str:
    """The key of one run's YAML verdicts; `checker_part` is KeyInputs.checker for the executable run."""
    material = {
        "engine": inputs.engine(),
        "checker": checker_part,
        "target": inputs.target(key.target),
        "corpus": corpus_digest(inputs, corpus),
        "run": [key.checker, key.target, key.python_version],
        "options": {k: str(v) for k, v in options.items()},
        "env": inputs.env,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def load(folder: Path, fingerprint: str, key: RunKey, ids: set[str]) -> dict[str, Verdict] | None:
    """The saved verdicts, exactly one per item of `ids`, or None: a miss."""
    try:
        data = cast(dict[str, object], json.loads((folder / YAML_REUSE_FILE).read_text(encoding="utf-8")))
        if data["key"] != fingerprint or data["run"] != [key.checker, key.target, key.python_version]:
            return None
        found: dict[str, Verdict] = {}
        for raw in cast(list[dict[str, object]], data["verdicts"]):
            case = raw["case"]
            if not isinstance(case, str) or case in found:
                return None
            problems = tuple(
                Problem(str(p[0]), int(str(p[1])), str(p[2]), str(p[3]), str(p[4]))
                for p in cast(list[list[object]], raw["problems"])
            )
            divergences = tuple(str(d) for d in cast(list[object], raw["divergences"]))
            outcome = Outcome[str(raw["outcome"])]
            if outcome is Outcome.FAIL:
                return None  # never saved; a file that says so was not written by save()
            found[case] = Verdict(case, key, outcome, problems, divergences)
        if set(found) != ids:
            return None
        return found
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def savable(verdicts: Mapping[str, Verdict]) -> bool:
    """Only verdicts that rest on the key alone: no failure, nothing a cell carries beyond them."""
    return all(v.outcome is not Outcome.FAIL and not v.diagnostics and not v.improved for v in verdicts.values())


def save(folder: Path, fingerprint: str, key: RunKey, verdicts: Mapping[str, Verdict]) -> None:
    if not savable(verdicts):
        forget(folder)
        return
    data = {
        "key": fingerprint,
        "run": [key.checker, key.target, key.python_version],
        "verdicts": [
            {
                "case": v.case,
                "outcome": v.outcome.name,
                "problems": [[p.path, p.line, p.checker, p.message, p.broke] for p in v.problems],
                "divergences": list(v.divergences),
            }
            for v in sorted(verdicts.values(), key=lambda v: v.case)
        ],
    }
    atomic_write(folder / YAML_REUSE_FILE, json.dumps(data))


def forget(folder: Path) -> None:
    """A run that is not saved leaves no earlier verdicts behind."""
    try:
        (folder / YAML_REUSE_FILE).unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # load() checks the key anyway
