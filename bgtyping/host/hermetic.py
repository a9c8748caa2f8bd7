"""What a checker run may see: the controlled environment and the engine's own workdir.

Hermeticity: every checker runs with the engine's own configuration file, in a working directory
the engine owns, with an environment built from the short `PASS_THROUGH` list below (nothing else
the caller has set, so no PYTHONPATH, MYPYPATH, TY_CONFIG_FILE, PYREFLY_CONFIG, ...). User-level
checker configs are hidden by pointing XDG_CONFIG_HOME at an empty folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

# Passed through unchanged when set; everything else the caller has set is dropped.
PASS_THROUGH = (
    "PATH",  # checkers start helpers (pyright's node) by name
    "HOME",  # user site-packages of a non-venv interpreter; pyright's download cache
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "SYSTEMROOT",
    "XDG_CACHE_HOME",  # where the pyright wrapper keeps the pyright it runs
    "PYRIGHT_PYTHON_CACHE_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
)


def controlled_env(workroot: Path, source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of every checker process and of the target probe."""
    source = os.environ if source is None else source
    env = {name: source[name] for name in PASS_THROUGH if name in source}
    config_home = workroot / "config-home"  # empty: no user-level ty/pyrefly/mypy configuration
    config_home.mkdir(parents=True, exist_ok=True)
    env["XDG_CONFIG_HOME"] = str(config_home)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_COLOR"] = "1"
    return env


def default_workdir() -> Path:
    """The user's cache folder (XDG on Linux, ~/Library/Caches on macOS), never the current directory."""
    if env := os.environ.get("BGTYPING_CACHE_DIR"):
        return Path(env)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "bgtyping"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bgtyping"
