"""Record what each installed checker prints for `check_sample.py`: `python -m tests.recorded.record`.

One folder per checker holds its stdout and stderr (the sample's folder written as `@ROOT@`) and
the diagnostics the engine's parser read from them. tests/test_parsers.py parses the recorded text
again, and runs the installed checker live, so a change of a checker's output format fails there.
Re-record after a checker upgrade and review the diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bgtyping import checkers
from bgtyping.checkers.protocol import Parsed, Report, RunSpec
from bgtyping.engine.execute import find_executable
from bgtyping.host.hermetic import controlled_env
from bgtyping.model import RunKey

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "check_sample.py"
PLACEHOLDER = "@ROOT@"


def spec_for(checker: str, root: Path) -> RunSpec:
    """A batch of the sample alone, as the engine would run it (its own config, env and run folder)."""
    case = root / SAMPLE.name
    workdir = root / "run"
    workdir.mkdir(parents=True, exist_ok=True)
    return RunSpec(
        key=RunKey(checker, "inline", "3.11"),
        files=(case,),
        python=Path(sys.executable),
        python_version="3.11",
        workdir=workdir,
        root=root,
        env=controlled_env(root / "work"),
        origin={str(case): case},
    )


def run_live(checker: str, root: Path) -> tuple[str, str]:
    """The installed checker's raw output for the sample copied into `root`."""
    (root / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    spec = spec_for(checker, root)
    cmd = checkers.get(checker).command(find_executable(checkers.get(checker).executable), spec)
    proc = subprocess.run(cmd, cwd=spec.workdir, env=dict(spec.env), capture_output=True, text=True, check=False)
    assert proc.returncode in checkers.get(checker).ok_exit_codes, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def trim(checker: str, stderr: str) -> str:
    """mypy's `-v` log runs to thousands of lines about the standard library: keep what the parser reads."""
    if checker != "mypy":
        return stderr
    kept = [line for line in stderr.splitlines() if PLACEHOLDER in line or "Mypy Version" in line]
    return "\n".join(kept) + "\n"


def as_data(parsed: Parsed, root: Path) -> dict[str, object]:
    """What a parse found, with paths relative to the sample's folder."""

    def rel(path: str) -> str:
        return str(Path(path).relative_to(root)) if Path(path).is_relative_to(root) else path

    analyzed = parsed.analyzed
    return {
        "version": parsed.version,
        # Only the sample's own files: mypy also lists the installed modules it parsed, which vary.
        "analyzed": sorted(rel(p) for p in analyzed if Path(p).is_relative_to(root))
        if isinstance(analyzed, frozenset)
        else analyzed,
        "diagnostics": [
            [rel(d.path), d.line, d.column, d.severity, d.code, d.message] for d in sorted(parsed.diagnostics)
        ],
    }


def main() -> int:
    for name in checkers.CHECKERS:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp).resolve()
            stdout, stderr = run_live(name, root)
            stdout, stderr = stdout.replace(str(root), PLACEHOLDER), trim(name, stderr.replace(str(root), PLACEHOLDER))
            folder = HERE / name
            folder.mkdir(exist_ok=True)
            (folder / "stdout.txt").write_text(stdout, encoding="utf-8")
            (folder / "stderr.txt").write_text(stderr, encoding="utf-8")
            parsed = checkers.get(name).parse(
                Report(stdout.replace(PLACEHOLDER, str(root))),
                stderr.replace(PLACEHOLDER, str(root)),
                spec_for(name, root),
            )
            text = json.dumps(as_data(parsed, root), indent=1) + "\n"
            (folder / "parsed.json").write_text(text, encoding="utf-8")
            print(f"{name}: {len(parsed.diagnostics)} diagnostics recorded in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
