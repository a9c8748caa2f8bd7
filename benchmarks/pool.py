"""Run a list of checker commands N at a time: the baseline the engine is measured against.

    python benchmarks/pool.py COMMANDS.json

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


def main(argv: list[str]) -> int:
    spec: Spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    for folder in spec["dirs"]:
        Path(folder).mkdir(parents=True, exist_ok=True)
    for path, text in spec["files"].items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
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
