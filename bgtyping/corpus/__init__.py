"""The corpus: `.py` cases, YAML cases and the divergence registry, read and checked before anything runs.

`pycases` reads `check_*.py` files (their claims come from `comments`), `yamlfile` reads
pytest-mypy-plugins files, `divergences` the registry of known checker divergences.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Case, Corpus, EngineError, YamlCase
from .divergences import load_divergences
from .parsecache import ParseCache
from .pycases import load_cases

__all__ = ["load_corpus"]


def load_corpus(root: Path, select: str | None = None, parse_cache: Path | None = None) -> Corpus:
    """Load every case, or with `select` (a glob on paths below cases/) only the matching ones.

    `parse_cache`: a file (in the engine's workdir) where what each case parsed to is kept by its
    content, so an unchanged case is not parsed again (corpus/parsecache.py)."""
    root = root.resolve()
    cases_dir = root / "cases"
    divergences = load_divergences(root / "divergences.toml")
    cache = ParseCache(parse_cache) if parse_cache is not None else None
    cases = load_cases(cases_dir, divergences, select, cache)
    yaml_cases: tuple[YamlCase, ...] = ()
    yaml_entries: tuple[Case, ...] = ()
    used: set[str] = set()
    if select is None and (root / "yaml").is_dir():  # --select names `.py` cases
        # Imported only for a corpus with YAML items: PyYAML and Jinja take a fifth of the start-up.
        from .yamlfile import diverge_comments, entries, load_yaml_cases

        yaml_cases = load_yaml_cases(root / "yaml", cache)
        yaml_entries = entries(yaml_cases, root)
        for yaml_case in yaml_cases:  # a YAML line names divergences with `# diverge:` too
            files = [("main.py", yaml_case.main), *yaml_case.file_list]
            used.update(d for ids in diverge_comments(files).values() for d in ids)
    if cache is not None:
        cache.save()
    if select is not None:
        return Corpus(root, cases, divergences, yaml_cases, yaml_entries)
    used.update(d for case in cases for spec in case.lines.values() for d in spec.divergences)
    for unused in sorted(set(divergences) - used):
        raise EngineError(
            f"divergence [{unused}] is not named by any case line; remove it", path=root / "divergences.toml"
        )
    return Corpus(root, cases, divergences, yaml_cases, yaml_entries)
