"""Where things are: the one home of the engine's layout constants.

Inside the wheel the corpus and the pins sit in the package's `_data/`; in a checkout they sit beside it.
"""

from __future__ import annotations

from pathlib import Path

ENGINE = Path(__file__).resolve().parent


def _shipped_or_repo(shipped: str, repo: str) -> Path:
    inside = ENGINE / "_data" / shipped
    return inside if inside.exists() else ENGINE.parent / repo


CORPUS = _shipped_or_repo("corpus", "typing_tests")
CONSTRAINTS = _shipped_or_repo("constraints.txt", "requirements/constraints.txt")
# Engine-owned cases that prove a run resolved what it should (engine/health.py).
PROBES = ENGINE / "engine" / "probes"
# bgtyping.mypy_plugin, loaded by path so that a mypy installed anywhere finds it.
MYPY_PLUGIN = ENGINE / "mypy_plugin.py"
# Below a run's folder: the saved result of its last healthy run (reuse/store.py), not part of the key.
REUSE_FILE = "result.json"
# Beside it: the YAML items' verdicts of its last run that judged them all and failed none (reuse/yamlkey.py).
YAML_REUSE_FILE = "yaml-result.json"
# In the workroot: the content digests of hard-linked installed files, by their stat (reuse/fingerprint.ContentMemo).
CONTENT_DIGESTS = "content-digests.json"
# Beside it: the `.py` cases' verdicts judged from that result, by a key of the result, cases and registry.
VERDICTS_FILE = "verdicts.json"
