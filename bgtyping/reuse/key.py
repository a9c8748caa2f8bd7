"""The reuse key: everything that can change a run's verdict, computed once per plan where it can be.

A key covers the engine's own code, the checker's whole installation (its executable, and for a
console script every file its interpreter can import, plus what the checker module names, such as
pyright's downloaded package), the target environment as its interpreter reports it, the
engine-written configuration, the controlled environment, the command line, and the bytes of every
case file the checker reads. When in doubt, the key misses.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from ..checkers.protocol import RunSpec, TypeChecker
from ..host.interpreter import Interpreter, inspect_interpreter
from ..model import Case, Divergence, EngineError
from ..paths import CONTENT_DIGESTS, ENGINE, REUSE_FILE, VERDICTS_FILE, YAML_REUSE_FILE
from .fingerprint import (
    ContentMemo,
    fingerprint_interpreter,
    fingerprint_interpreter_pair,
    fingerprint_tree,
    shebang_interpreter,
)


class KeyInputs:
    """Plan-scoped: each part of the key is computed once, however many runs share it."""

    def __init__(
        self,
        workroot: Path,
        env: Mapping[str, str],
        interpreters: Mapping[str, Interpreter],
        staged: Mapping[str, bytes],
        installations: Collection[Path] = (),
    ) -> None:
        self.workroot = workroot
        # The interpreters whose whole installation a checker's key walks (checker_interpreter): a target
        # among them is walked once for both (fingerprint_interpreter_pair).
        self.installations = frozenset(installations)
        self.env = dict(env)
        self.interpreters = interpreters
        self.staged = staged  # staged path -> the bytes the engine wrote and judged
        self._lock = threading.Lock()  # guards the two dicts only
        self._locks: dict[tuple[str, str], threading.Lock] = {}  # one per part: different parts in parallel
        self._parts: dict[tuple[str, str], str] = {}
        self.memo = ContentMemo(workroot / CONTENT_DIGESTS)  # saved by save_memo(), at the plan's end

    def save_memo(self) -> None:
        self.memo.save()

    def _once(self, kind: str, name: str, compute: Callable[[], str]) -> str:
        """One computation per part, even when runs ask at the same moment; two parts at once (three
        checker installations fingerprint side by side). A part built from another takes the other's
        lock; no part is built from one that needs it, so no two wait on each other."""
        with self._lock:
            if (kind, name) in self._parts:
                return self._parts[(kind, name)]
            lock = self._locks.setdefault((kind, name), threading.Lock())
        with lock:
            with self._lock:
                if (kind, name) in self._parts:
                    return self._parts[(kind, name)]
            value = str(compute())
            with self._lock:
                self._parts[(kind, name)] = value
            return value

    def part(self, kind: str, name: str, compute: Callable[[], str]) -> str:
        """A part of another key (reuse/yamlkey.py), computed once per plan like these."""
        return self._once(kind, name, compute)

    def engine(self) -> str:
        def compute() -> str:
            digest = hashlib.sha256()
            for path in sorted(ENGINE.rglob("*.py")):
                digest.update(str(path.relative_to(ENGINE)).encode() + b"\0" + path.read_bytes())
            return digest.hexdigest()

        return self._once("engine", "", compute)

    def target(self, name: str) -> str:
        def compute() -> str:
            interp = self.interpreters[name]
            if interp.executable in self.installations:
                return self._walks(interp)[1]
            return fingerprint_interpreter(interp, self.workroot, memo=self.memo)

        return self._once("target", name, compute)

    def _walks(self, interp: Interpreter) -> tuple[str, str]:
        """Both fingerprints of an interpreter (every file, importable files), from one pass."""

        def compute() -> str:
            return " ".join(fingerprint_interpreter_pair(interp, self.workroot, memo=self.memo))

        every, importable = self._once("walks", _walked(interp), compute).split(" ")
        return every, importable

    def checker(self, checker: TypeChecker, exe: str) -> str:
        def compute() -> str:
            digest = hashlib.sha256()
            fingerprint_tree(digest, Path(exe), everything=True, memo=self.memo)
            fingerprint_tree(digest, Path(exe).resolve(), everything=True, memo=self.memo)
            found = checker_interpreter(exe)
            if found is not None:
                fingerprint_tree(digest, found, everything=True, memo=self.memo)
            if found is not None and found.name.startswith("python"):
                try:
                    digest.update(self._installation(found).encode())
                except EngineError:
                    digest.update(os.urandom(16))  # cannot tell what it runs: never a hit
            for extra in checker.inputs(self.env):
                fingerprint_tree(digest, extra, everything=True, memo=self.memo)
            return digest.hexdigest()

        return self._once("checker", exe, compute)

    def _installation(self, python: Path) -> str:
        """A checker's interpreter and every file it can import; shared by checkers in one environment."""

        def compute() -> str:
            info = inspect_interpreter(python, self.env, self.workroot)
            shared = (t for t in self.interpreters.values() if t.executable in self.installations)
            if _walked(info) in map(_walked, shared):
                return self._walks(info)[0]  # the target's own pass
            return fingerprint_interpreter(info, self.workroot, everything=True, memo=self.memo)

        return self._once("installation", str(python), compute)

    def staged_digest(self, path: str) -> str:
        """Each staged file is hashed once per plan, however many runs read it."""
        return self._once("file", path, lambda: hashlib.sha256(self.staged[path]).hexdigest())

    def key(self, checker: TypeChecker, exe: str, cmd: Sequence[str], spec: RunSpec) -> str:
        configs = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(spec.workdir.iterdir())
            if p.is_file() and p.name not in (REUSE_FILE, YAML_REUSE_FILE, VERDICTS_FILE) and not p.name.startswith(".")
        }
        files = {str(p): self.staged_digest(str(p)) for p in spec.files}
        material = {
            "engine": self.engine(),
            "checker": self.checker(checker, exe),
            "target": self.target(spec.key.target),
            "command": list(cmd),
            "configs": configs,
            "env": self.env,
            "files": files,
            "origin": {k: str(v) for k, v in spec.origin.items()},
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _walked(interp: Interpreter) -> str:
    """What a fingerprint of the interpreter reads of it: equal, and the two walk the same files."""
    read = [str(interp.executable), interp.prefix, interp.base_prefix, interp.version, interp.path, interp.stdlib]
    return json.dumps(read)


def checker_interpreter(exe: str) -> Path | None:
    """The interpreter a checker's console script runs (its `#!` line, found on PATH if bare), or None."""
    interpreter = shebang_interpreter(exe)
    if interpreter is None:
        return None
    found = interpreter if interpreter.is_absolute() else shutil.which(str(interpreter))
    return Path(found) if found is not None else None


def registry_json(divergences: Mapping[str, Divergence]) -> str:
    """The divergence registry as JSON, its sets sorted (their order changes from one process to the next)."""
    registry = [
        [d.id, d.reason, d.issue, {k: sorted(v) for k, v in d.reports.items()}, sorted(d.targets), d.owner]
        for d in divergences.values()
    ]
    return json.dumps(sorted(registry), sort_keys=True)


def verdict_key(
    inputs: KeyInputs,
    run_key: str,
    cases: Sequence[Case],
    divergences: Mapping[str, Divergence],
    settings: Mapping[str, object],
) -> str:
    """The key of the `.py` cases' verdicts of a run: its result's key (engine, staged bytes and all), the
    cases judged (id and path: a problem names the path), the registry and how strictly it is judged."""

    def compute() -> str:
        digest = hashlib.sha256(registry_json(divergences).encode())
        digest.update(json.dumps([[c.id, str(c.path)] for c in cases]).encode())
        return digest.hexdigest()

    corpus = inputs.part("verdict-corpus", "", compute)
    material = [run_key, corpus, {k: str(v) for k, v in settings.items()}]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
