"""The batched YAML runner gives pytest-mypy-plugins' verdicts, case by case, broken copies included.

Runs in the `yaml` session, where pytest-mypy-plugins and the stubs are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bgtyping import yamlbatch

from .support import ROOT

pytest.importorskip("pytest_mypy_plugins", reason="the yaml session installs pytest-mypy-plugins")

YAML = ROOT / "typing_tests" / "yaml"
INI = YAML / "mypy.ini"


def pmp_verdicts(folder: Path, tmp_path: Path) -> dict[str, bool]:
    junit = tmp_path / "pmp.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), f"--mypy-ini-file={INI}", "-p", "no:cacheprovider",
         f"--junitxml={junit}", "-q", f"--mypy-testing-base={tmp_path}"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        # pytest-mypy-plugins looks mypy up on PATH: make it this environment's.
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )  # fmt: skip
    verdicts: dict[str, bool] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        verdicts[case.attrib["name"]] = case.find("failure") is None and case.find("error") is None
    return verdicts


def batch_verdicts(folder: Path, tmp_path: Path) -> dict[str, bool]:
    results = yamlbatch.run(folder, INI, tmp_path / "batch")
    return {key.split("::", 1)[1]: not problems for key, problems in results.items()}


def test_same_verdicts_on_the_committed_cases(tmp_path: Path) -> None:
    pmp = pmp_verdicts(YAML, tmp_path)
    assert len(pmp) >= 20
    assert batch_verdicts(YAML, tmp_path) == pmp


def test_same_verdicts_on_broken_copies(tmp_path: Path) -> None:
    folder = tmp_path / "yaml"
    shutil.copytree(YAML, folder)
    messages = folder / "test_messages.yml"
    text = messages.read_text(encoding="utf-8")
    # A wrong expected message, and an expected line that is missing.
    text = text.replace('expected "int"  [arg-type]', 'expected "str"  [arg-type]', 1)
    text = text.replace('    main:3: note: "add_task" defined in "fastapi.background"\n', "", 1)
    messages.write_text(text, encoding="utf-8")
    pmp = pmp_verdicts(folder, tmp_path)
    assert not pmp["wrong_type_names_the_task_parameter_type"]
    assert not pmp["unknown_keyword_points_at_the_defining_module"]
    assert batch_verdicts(folder, tmp_path) == pmp
