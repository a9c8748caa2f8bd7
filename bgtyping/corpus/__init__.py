"""The corpus: `.py` cases, YAML cases and the divergence registry, read and checked before anything runs.

`pycases` reads `check_*.py` files (their claims come from `comments`), `yamlfile` reads
pytest-mypy-plugins files, `divergences` the registry of known checker divergences.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Corpus, EngineError
from .divergences import load_divergences
from .pycases import load_cases
from .yamlfile import diverge_comments, entries, load_yaml_cases

__all__ = ["load_corpus"]


def load_corpus(root: Path, select: str | None = None) -> Corpus:
    """Load every case, or with `select` (a glob on paths below cases/) only the matching ones."""
    root = root.resolve()
    cases_dir = root / "cases"
    divergences = load_divergences(root / "divergences.toml")
    cases = load_cases(cases_dir, divergences, select)
    yaml_cases = load_yaml_cases(root / "yaml") if select is None else ()  # --select names `.py` cases
    yaml_entries = entries(yaml_cases, root)
    if select is not None:
        return Corpus(root, cases, divergences, yaml_cases, yaml_entries)
    used = {d for case in cases for spec in case.lines.values() for d in spec.divergences}
    for yaml_case in yaml_cases:  # a YAML line names them with `# diverge:` too
        files = [("main.py", yaml_case.main), *yaml_case.file_list]
        used.update(d for ids in diverge_comments(files).values() for d in ids)
    for unused in sorted(set(divergences) - used):
        raise EngineError(
            f"divergence [{unused}] is not named by any case line; remove it", path=root / "divergences.toml"
        )
    return Corpus(root, cases, divergences, yaml_cases, yaml_entries)
