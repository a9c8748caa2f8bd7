"""Staging: the exact bytes that were parsed, copied flat into the workdir; one engine process per workdir."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import holds, write_if_changed
from ..host.interpreter import Interpreter
from ..model import Case, EngineError, Plan, RunKey
from .health import probe_cases


@dataclass(frozen=True)
class Stage:
    """The staged copy of every case and probe; checkers read these, never the user's files."""

    folder: Path
    cases: Mapping[str, Path]  # case id -> staged path
    probes: Mapping[str, Mapping[str, Path]]  # target -> probe id -> staged path
    data: Mapping[str, bytes]  # staged path -> bytes

    def run_folder(self, workroot: Path, key: RunKey, interp: Interpreter) -> Path:
        """A run's own folder (its config, mypy's cache, the saved result), one per corpus and environment.

        Runs on different corpora never share one: mypy's cache would hold the other corpus's staged paths.
        """
        return workroot / f"{key.target}-{interp.identity}-{self.folder.name}" / f"{key.checker}-py{key.python_version}"

    def origin(self, cases: Sequence[Case], probes: Sequence[Case], target: str) -> dict[str, Path]:
        found = {str(self.cases[c.id]): c.path for c in cases}
        found.update({str(self.probes[target][p.id]): p.path for p in probes})
        return found

    def verify(self) -> None:
        """A staged copy that changed while checkers read it would make every verdict a guess."""
        for path, data in self.data.items():
            try:
                same = holds(path, data)
            except OSError:
                same = False
            if not same:
                raise EngineError(f"{path} changed while the checkers were reading it; run again")


def stage(plan: Plan) -> Stage:
    corpus_id = hashlib.sha256(str(plan.corpus.root).encode()).hexdigest()[:12]
    folder = plan.workroot / "stage" / corpus_id
    data: dict[str, bytes] = {}
    staged_cases: dict[str, Path] = {}
    for case in plan.corpus.cases:
        # Flat, by the unique case id: no folder name a checker skips (`venv/`, `build/`, dot folders).
        staged_cases[case.id] = folder / "cases" / case.path.name
        data[str(staged_cases[case.id])] = case.data
    staged_probes: dict[str, dict[str, Path]] = {}
    for target in {t.name for t in plan.targets}:
        staged_probes[target] = {}
        for probe in probe_cases(target):
            path = folder / "probes" / probe.path.parent.name / probe.path.name
            staged_probes[target][probe.id] = path
            data[str(path)] = probe.data
    for staged, content in data.items():
        write_if_changed(Path(staged), content)
    return Stage(folder, staged_cases, staged_probes, data)


@contextlib.contextmanager
def locked(workroot: Path, say: Callable[[str], None]) -> Generator[None]:
    """One engine process per workdir: caches, staged files and results are not shared mid-run."""
    workroot.mkdir(parents=True, exist_ok=True)
    with open(workroot / ".lock", "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another bgtyping run that uses {workroot}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
