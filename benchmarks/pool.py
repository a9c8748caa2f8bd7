"""Run a list of checker commands N at a time: the baseline the engine is measured against.

    python benchmarks/pool.py COMMANDS.json [--lay-down-only]

COMMANDS.json (written by bench.py) holds the files to lay down first (checker configs, the staged
cases: the same bytes the engine writes), the parallelism, and the commands with the exit codes each
checker uses for "ran and reported". Each command's stdout and stderr go to files beside the JSON, so
the harness can prove the run sound. Exit 0 only when every command exited with an expected code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NotRequired, TypedDict


class Command(TypedDict):
    name: str
    argv: list[str]
    cwd: str
    ok: list[int]
    env: NotRequired[dict[str, str]]  # its own environment, where the engine gives each run one


class Spec(TypedDict):
    jobs: int
    env: dict[str, str]
    dirs: list[str]
    files: dict[str, str]
    commands: list[Command]
    outputs: str


def run(command: Command, env: dict[str, str], outputs: Path) -> int:
    with (outputs / f"{command['name']}.out").open("wb") as out, (outputs / f"{command['name']}.err").open("wb") as err:
        return subprocess.run(
            command["argv"], cwd=command["cwd"], env=command.get("env", env), stdout=out, stderr=err, check=False
        ).returncode


def lay_down(spec: Spec) -> None:
    """The folders and files the commands read; a file that already holds its text is left alone.

    The harness lays them down before each timed run (files a user's checkers find in place), so a run
    here only compares them, as the engine compares its kept staged files: creating thousands of files
    would charge the bare side for work the checkers by hand never do."""
    for folder in spec["dirs"]:
        Path(folder).mkdir(parents=True, exist_ok=True)
    for path, text in spec["files"].items():
        target = Path(path)
        try:
            if target.read_text(encoding="utf-8") == text:
                continue
        except (OSError, UnicodeDecodeError):
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def load(path: str) -> Spec:
    spec: Spec = json.loads(Path(path).read_text(encoding="utf-8"))
    return spec


def main(argv: list[str]) -> int:
    spec = load(argv[0])
    lay_down(spec)
    if argv[1:] == ["--lay-down-only"]:  # the harness, before the clock starts
        return 0
    outputs = Path(spec["outputs"])
    outputs.mkdir(parents=True, exist_ok=True)
    n = len(spec["commands"])
    with ThreadPoolExecutor(max_workers=spec["jobs"]) as pool:
        codes = list(pool.map(run, spec["commands"], [spec["env"]] * n, [outputs] * n))
    bad = [f"{c['name']} exited {code}" for c, code in zip(spec["commands"], codes, strict=True) if code not in c["ok"]]
    print(f"{len(codes) - len(bad)} of {len(codes)} commands ran" + (": " + ", ".join(bad) if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
