"""Benchmarks P1-P5 (see BENCHMARKS.md). Run with `nox -s bench`; prints a Markdown report.

Every side of every figure is a whole process started from the command line, the way a user runs it
(the engine's CLI, pytest, the pool of bare checker commands in benchmarks/pool.py). Before any timing
each side runs once and must pass with the number of cases it was given: a side that fails, crashes
or checks fewer cases is a harness error (exit 1), never a ratio. Every timed run is checked again.
Figures are medians of --runs runs, the two sides of a ratio interleaved so machine noise hits both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from bgtyping import checkers
from bgtyping.checkers.protocol import Report, RunSpec
from bgtyping.corpus import load_corpus
from bgtyping.corpus.yamlfile import load_yaml_cases
from bgtyping.engine import yamlrun
from bgtyping.engine.execute import find_executable, version_of
from bgtyping.engine.health import health, probe_cases
from bgtyping.engine.stage import stage
from bgtyping.engine.targets import preflight
from bgtyping.host.hermetic import controlled_env
from bgtyping.model import PLUGIN_CODES, Case, Corpus, Divergence, LineSpec, Plan, RunResult, Target
from bgtyping.reuse.key import KeyInputs

ROOT = Path(__file__).resolve().parents[1]
SIX = ("mypy", "pyright", "basedpyright", "pyrefly", "ty", "zuban")
JOBS = os.cpu_count() or 2  # the engine's own parallelism (runner.run_plan)
TICK = os.sysconf("SC_CLK_TCK")


class HarnessError(Exception):
    """A side did not pass: no figure may be reported for it."""


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


# -- one whole process ------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    wall: float
    own_cpu: float  # the started process alone
    tree_cpu: float  # it and every descendant it waited for
    peaks: dict[str, float] = field(default_factory=dict[str, float])  # MiB, when sampled


@dataclass
class Side:
    """A command line, how many cases it must pass, and how to read that number from its output."""

    label: str
    argv: list[str]
    expected: int
    count: Callable[[Run], int]
    cwd: Path = ROOT
    before: Callable[[], None] = lambda: None  # e.g. wipe the caches for a cold run
    after: Callable[[Run], None] = lambda run: None  # further proof the run was sound (raise HarnessError)


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _classify(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    for name in ("basedpyright", "pyright", "pyrefly", "zuban", "mypy"):
        if name in cmdline:
            return name
    return "ty" if re.search(r"(^|/)ty ", cmdline) else "other"


class Sampler(threading.Thread):
    """Peak resident memory of a process tree, sampled every 20 ms from /proc (an approximation, said so)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.hwm: dict[int, tuple[str, float]] = {}  # pid -> (kind, its own peak, VmHWM)
        self.tree = 0.0

    def run(self) -> None:
        while not self.stop.wait(0.02):
            parents: dict[int, int] = {}
            for entry in os.scandir("/proc"):
                if entry.name.isdigit():
                    try:
                        parents[int(entry.name)] = int(_stat(int(entry.name))[1])
                    except (OSError, ValueError, IndexError):
                        continue
            members = {self.root}
            grew = True
            while grew:
                new = {p for p, parent in parents.items() if parent in members} - members
                members |= new
                grew = bool(new)
            total = 0.0
            for pid in members:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss = re.search(r"VmRSS:\s+(\d+)", status)
                hwm = re.search(r"VmHWM:\s+(\d+)", status)
                if rss is None or hwm is None:
                    continue
                total += int(rss.group(1)) / 1024
                kind = "engine process" if pid == self.root else self.hwm.get(pid, (_classify(pid), 0.0))[0]
                self.hwm[pid] = (kind, max(self.hwm.get(pid, (kind, 0.0))[1], int(hwm.group(1)) / 1024))
            self.tree = max(self.tree, total)

    def peaks(self) -> dict[str, float]:
        found: dict[str, float] = {"whole tree": self.tree}
        for kind, peak in self.hwm.values():
            found[kind] = max(found.get(kind, 0.0), peak)
        return found


def execute(side: Side, *, sample: bool = False) -> Run:
    """One whole process: wall time, its own CPU and its tree's (read from the zombie before it is reaped)."""
    side.before()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        # As from an activated environment: the interpreter's own bin first on PATH (pytest-mypy-plugins
        # looks `mypy` up there).
        env = dict(os.environ, PATH=os.pathsep.join([str(Path(side.argv[0]).parent), os.environ.get("PATH", "")]))
        proc = subprocess.Popen(side.argv, cwd=side.cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = Sampler(proc.pid) if sample else None
        if sampler is not None:
            sampler.start()
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        wall = time.perf_counter() - started
        fields = _stat(proc.pid)
        own = (int(fields[11]) + int(fields[12])) / TICK
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler is not None:
            sampler.stop.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        run = Run(
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            wall,
            own,
            usage.ru_utime + usage.ru_stime,
            sampler.peaks() if sampler is not None else {},
        )
    check(side, run)
    # Progress on stderr: a full bench takes most of an hour; the tables go to stdout.
    sampled = " (memory sampled)" if sample else ""
    print(f"  {side.label}: {wall:.2f} s, own CPU {own:.2f} s{sampled}", file=sys.stderr, flush=True)
    return run


def check(side: Side, run: Run) -> None:
    tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
    if run.code != 0:
        raise HarnessError(f"{side.label}: exit {run.code}, not 0: {' '.join(side.argv)}\n{tail}")
    try:
        passed = side.count(run)
    except HarnessError as exc:
        raise HarnessError(f"{side.label}: {exc}: {' '.join(side.argv)}\n{tail}") from None
    if passed != side.expected:
        raise HarnessError(f"{side.label}: {passed} cases passed, expected {side.expected}\n{tail}")
    side.after(run)


@dataclass
class Pair:
    a: list[Run]
    b: list[Run]

    def wall(self) -> tuple[float, float]:
        return statistics.median(r.wall for r in self.a), statistics.median(r.wall for r in self.b)


def side_by_side(a: Side, b: Side, runs: int) -> Pair:
    """Each side once, checked, before any timing; then runs interleaved, every run checked again."""
    execute(a)
    execute(b)
    pair = Pair([], [])
    for _ in range(runs):
        pair.a.append(execute(a))
        pair.b.append(execute(b))
    return pair


# -- reading each side's own report -----------------------------------------------------------------

_ENGINE = re.compile(
    r"^(\d+) passed.*?, (\d+) failed, (\d+) skipped, (\d+) unsupported; (\d+) of (\d+) runs broken$", re.M
)


def engine_cells(run: Run) -> int:
    """Passed and skipped cells, provided nothing failed, was unsupported or broke."""
    found = _ENGINE.search(run.stdout)
    if found is None:
        raise HarnessError("no summary line")
    passed, failed, skipped, unsupported, broken, _ = map(int, found.groups())
    if failed or unsupported or broken:
        raise HarnessError(f"{failed} failed, {unsupported} unsupported, {broken} runs broken")
    return passed + skipped


def engine_cells_with(unsupported: int) -> Callable[[Run], int]:
    """As engine_cells, for a plan with a documented limitation (at least `unsupported` such cells; YAML
    items add the cells their own key marks not comparable): every run must then give the first run's
    exact counts, so a run that judges less than the first is refused."""
    first: list[tuple[int, ...]] = []

    def count(run: Run) -> int:
        found = _ENGINE.search(run.stdout)
        if found is None:
            raise HarnessError("no summary line")
        counts = tuple(map(int, found.groups()))
        passed, failed, skipped, found_unsupported, broken, _ = counts
        if failed or broken or found_unsupported < unsupported:
            raise HarnessError(f"{failed} failed, {found_unsupported} unsupported (< {unsupported}), {broken} broken")
        if not first:
            first.append(counts)
        if counts != first[0]:
            raise HarnessError(f"counts {counts}, the first run gave {first[0]}")
        return passed + skipped + found_unsupported

    return count


def interleaved(sides: Sequence[Side], runs: int) -> list[list[Run]]:
    """Each side once, checked, before any timing; then the sides in turn, run by run, all checked."""
    for side in sides:
        execute(side)
    found: list[list[Run]] = [[] for _ in sides]
    for _ in range(runs):
        for side, kept in zip(sides, found, strict=True):
            kept.append(execute(side))
    return found


def median_wall(runs: Sequence[Run]) -> float:
    return statistics.median(r.wall for r in runs)


def pytest_passed(run: Run) -> int:
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    if re.search(r"\b(failed|error|errors)\b", last):
        raise HarnessError(f"pytest says: {last}")
    found = re.search(r"(\d+) passed", last)
    if found is None:
        raise HarnessError(f"no pytest summary: {last!r}")
    return int(found.group(1))


def yamlbatch_passed(run: Run) -> int:
    found = re.search(r"^(\d+) passed, (\d+) failed", run.stdout, re.M)
    if found is None or int(found.group(2)):
        raise HarnessError("no '0 failed' summary")
    return int(found.group(1))


def pool_commands(run: Run) -> int:
    found = re.search(r"^(\d+) of (\d+) commands ran$", run.stdout, re.M)
    if found is None:
        raise HarnessError("a command exited abnormally")
    return int(found.group(1))


# -- the sides --------------------------------------------------------------------------------------


def wipe(*paths: Path) -> Callable[[], None]:
    def go() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return go


def engine_side(
    label: str,
    python: Path,
    corpus: Path,
    names: Sequence[str],
    workdir: Path,
    expected: int,
    *,
    cold: bool,
    reuse: bool = False,
    versions: Sequence[str] = ("3.11",),
    select: str | None = None,
) -> Side:
    argv = [str(python), "-m", "bgtyping", f"--target=inline={python}", f"--corpus={corpus}", f"--workdir={workdir}"]
    argv += [f"--checker={n}" for n in names] + [f"--python={v}" for v in versions]
    argv += ["--reuse"] if reuse else []
    argv += [f"--select={select}"] if select else []
    return Side(label, argv, expected, engine_cells, before=wipe(workdir) if cold else lambda: None)


def cells(corpus: Corpus, names: Sequence[str], versions: Sequence[str] = ("3.11",)) -> int:
    return len(corpus.cases) * len(names) * len(versions)


def pool_side(label: str, corpus: Corpus, python: Path, where: Path, names: Sequence[str] = SIX) -> Side:
    """The commands the engine runs (same argv, configs, staged files, environment), JOBS at a time."""
    root = where / "root"
    shutil.rmtree(where, ignore_errors=True)
    plan = Plan(corpus, tuple(names), (Target("inline", python),), ("3.11",), root)
    root.mkdir(parents=True)
    env = controlled_env(root)
    interpreters = preflight(plan.targets, root, env)
    staged = stage(plan)
    inputs = KeyInputs(root, env, interpreters, staged.data)
    specs: dict[str, tuple[RunSpec, list[str]]] = {}
    for key in plan.run_keys():
        interp = interpreters[key.target]
        cases = [c for c in corpus.cases if c.applies_to(key.python_version)]
        origin = staged.origin(cases, probe_cases(key.target), key.target)
        workdir = staged.run_folder(root, key, interp)
        tag = inputs.target(key.target)[:16]
        spec = RunSpec(
            key,
            tuple(Path(p) for p in origin),
            interp.executable,
            key.python_version,
            workdir,
            corpus.root.parent,
            False,
            env,
            origin,
            tag,
        )
        checker = checkers.get(key.checker)
        spec.workdir.mkdir(parents=True, exist_ok=True)
        specs[key.checker] = (spec, checker.command(find_executable(checker.executable), spec))
    files = {str(p): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}
    dirs = [str(p) for p in root.rglob("*") if p.is_dir()]
    outputs = where / "out"
    commands = [
        {"name": n, "argv": argv, "cwd": str(spec.workdir), "ok": sorted(checkers.get(n).ok_exit_codes)}
        for n, (spec, argv) in specs.items()
    ]
    plan_file = where / "commands.json"

    def write(order: Sequence[str]) -> None:
        ordered = sorted(commands, key=lambda c: order.index(str(c["name"])))
        spec = {"jobs": JOBS, "env": env, "dirs": dirs, "files": files, "commands": ordered, "outputs": str(outputs)}
        plan_file.write_text(json.dumps(spec), encoding="utf-8")

    write(names)

    def sound(run: Run) -> None:
        """Each command's output, parsed as the engine parses it, passes the engine's own health check."""
        for name, (spec, argv) in specs.items():
            checker = checkers.get(name)
            out = (outputs / f"{name}.out").read_text(encoding="utf-8", errors="replace")
            err = (outputs / f"{name}.err").read_text(encoding="utf-8", errors="replace")
            parsed = checker.parse(Report(out), err, spec)
            result = RunResult(spec.key, parsed.version or "", tuple(argv), parsed.diagnostics, parsed.analyzed, 0.0)
            problems = health(result, spec.files, checker.import_codes, spec.root)
            if problems:
                raise HarnessError(f"{label}: {name} run unsound:\n" + "\n".join(problems[:10]))

    def cold_caches_files_in_place() -> None:
        wipe(root)()  # every cache and output goes; the files the checkers read are back before the clock starts
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "pool.py"), str(plan_file), "--lay-down-only"], check=True
        )

    side = Side(
        label,
        [sys.executable, str(ROOT / "benchmarks" / "pool.py"), str(plan_file)],
        len(names),
        pool_commands,
        before=cold_caches_files_in_place,
        after=sound,
    )
    # Longest first, as the engine orders its runs: timed once here, so the pool gets the best order.
    seconds: dict[str, float] = {}
    for name, (spec, argv) in specs.items():
        started = time.perf_counter()
        subprocess.run(argv, cwd=spec.workdir, env=env, capture_output=True, check=False)
        seconds[name] = time.perf_counter() - started
    write(sorted(names, key=lambda n: -seconds[n]))
    return side


def yaml_checkers_row(yp: Path, yaml_dir: Path, ini: Path, where: Path, runs: int) -> str:
    """P4 under mypy + pyright: the engine against the same checker commands started by hand."""
    work, log = where / "work", where / "commands.json"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    yaml_argv = ["yaml", str(yaml_dir), "--checker=mypy,pyright", f"--mypy-ini-file={ini}", f"--workdir={work}",
                 f"--divergences={yaml_dir.parent / 'divergences.toml'}", "--target=stubs"]  # fmt: skip
    side_env = dict(os.environ, PATH=os.pathsep.join([str(yp.parent), os.environ.get("PATH", "")]))
    recorded = subprocess.run(
        [str(yp), str(ROOT / "benchmarks" / "record.py"), str(log), "--", *yaml_argv],
        cwd=where, env=side_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    items = yamlbatch_passed(Run(recorded.returncode, recorded.stdout, recorded.stderr, 0.0, 0.0, 0.0))
    seen = cast(list[dict[str, Any]], json.loads(log.read_text(encoding="utf-8")))
    commands = [
        {"name": f"c{i:03d}", "argv": c["argv"], "cwd": c["cwd"], "env": c["env"], "ok": [0, 1]}
        for i, c in enumerate(seen)
    ]
    checkers_seen = {Path(c["argv"][0]).name for c in seen}
    if checkers_seen != {"mypy", "pyright"}:
        raise HarnessError(f"P4 mypy+pyright: the recorded commands run {sorted(checkers_seen)}")
    plan_file = where / "pool.json"
    outputs = where / "out"
    spec: dict[str, object] = {"jobs": JOBS, "env": {}, "dirs": [], "files": {}, "commands": commands}
    plan_file.write_text(json.dumps({**spec, "outputs": str(outputs)}), encoding="utf-8")
    ours = Side("bgtyping yaml --checker mypy,pyright, workdir kept", [str(yp), "-m", "bgtyping", *yaml_argv],
                items, yamlbatch_passed, cwd=where)  # fmt: skip
    bare = Side(f"the same {len(commands)} commands by hand", [sys.executable, str(ROOT / "benchmarks" / "pool.py"),
                str(plan_file)], len(commands), pool_commands, cwd=where)  # fmt: skip
    t_ours, t_bare = side_by_side(ours, bare, runs).wall()
    return ratio_row(
        "P4 YAML",
        f"our YAML corpus under mypy + pyright ({items} cells): the {len(commands)} checker commands by hand",
        t_bare,
        "bgtyping yaml --checker mypy,pyright",
        t_ours,
        f"{t_ours / t_bare:.2f}x the bare checkers",
        "(no goal set)",
    )


def copies(corpus: Corpus, where: Path, n: int) -> Corpus:
    """The corpus n times over: each copy's files get their own module names."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(corpus.root / "cases", where / "cases")
    # The `.py` cases only: the registry loses the entries only YAML lines name (it refuses unused ones).
    used = {d for case in corpus.cases for spec in case.lines.values() for d in spec.divergences}
    kept: list[str] = []
    keep = True
    for line in (corpus.root / "divergences.toml").read_text(encoding="utf-8").splitlines(keepends=True):
        if header := re.match(r"^\[([^\]]+)\]", line):
            keep = header.group(1) in used
        if keep:
            kept.append(line)
    (where / "divergences.toml").write_text("".join(kept), encoding="utf-8")
    for path in sorted((where / "cases").rglob("check_*.py")):
        stem, _, gate = path.stem.partition("-")
        for i in range(1, n):
            shutil.copy(path, path.with_name(f"{stem}_copy{i}{'-' + gate if gate else ''}.py"))
    return load_corpus(where)


def as_pmp_yaml(cases: Sequence[Path], where: Path, ini: Path) -> Path:
    """The cases as pytest-mypy-plugins YAML, with `out:` taken from mypy's own output."""
    items = [f"- case: {p.stem}\n  main: |\n{textwrap.indent(p.read_text(encoding='utf-8'), '    ')}" for p in cases]
    where.mkdir(parents=True, exist_ok=True)
    draft = where / "draft"
    draft.mkdir(exist_ok=True)
    (draft / "test_draft.yml").write_text("\n".join(items), encoding="utf-8")
    variants = yamlrun.items(load_yaml_cases(draft), draft)
    yamlrun.run_items(variants, yamlrun.Options(ini_file=ini, rootdir=draft, workdir=where / "gen", batch=False))
    final: list[str] = []
    for path, variant in zip(cases, variants, strict=True):
        out = "".join(f"    {line}\n" for line in variant.actual if line)
        body = textwrap.indent(_strip_markers(path.read_text(encoding="utf-8")), "    ")
        final.append(f"- case: {path.stem}\n  main: |\n{body}" + (f"  out: |\n{out}" if out else ""))
    target = where / "yaml" / "test_bench.yml"
    target.parent.mkdir(exist_ok=True)
    target.write_text("\n".join(final), encoding="utf-8")
    return target.parent


def _strip_markers(source: str) -> str:
    return re.sub(r"  # (E|diverge): .*$", "", source, flags=re.M)


def expected(spec: LineSpec, name: str, divergences: Mapping[str, Divergence]) -> list[str]:
    """The codes a checker reports on a line (inline target): a known divergence's, else the claim's."""
    for ident in spec.divergences:
        divergence = divergences[ident]
        if name in divergence.reports and "inline" in divergence.targets:
            return sorted(divergence.reports[name])
    return sorted(spec.explicit.get(name) or {c for k in spec.kinds for c in checkers.get(name).codes[k]})


def as_pytest_typing(corpus: Corpus, cases: Sequence[Path], where: Path) -> Path:
    """The cases as one pytest-typing Markdown file: a section each, checker-specific error assertions."""
    sections: list[str] = []
    by_path = {c.path: c for c in corpus.cases}
    for path in cases:
        case = by_path[path]
        lines = _strip_markers(path.read_text(encoding="utf-8")).splitlines()
        for number, spec in case.lines.items():
            notes = [
                f"# {name}-error: [{code}]"
                for name in ("mypy", "pyright")
                for code in expected(spec, name, corpus.divergences)
            ]
            lines[number - 1] += "  " + "  ".join(notes)
        sections.append(f"## {path.stem}\n\n```python\n" + "\n".join(lines) + "\n```\n")
    where.mkdir(parents=True, exist_ok=True)
    target = where / "test_typing_bench.md"
    target.write_text("# bench\n\n" + "\n".join(sections), encoding="utf-8")
    return target


def c_kinds(case: Case) -> set[str]:
    """Every error kind a case's lines claim."""
    return {kind for spec in case.lines.values() for kind in spec.kinds}


def noteless(cases: Sequence[Path], python: Path) -> list[Path]:
    """The cases pytest-typing can run under mypy: no note but reveal_type's, no two errors of a code on a line."""
    with tempfile.TemporaryDirectory() as cache:
        argv = [str(python), "-m", "mypy", "--no-color-output", "--show-error-codes", "--no-error-summary"]
        command = [*argv, f"--cache-dir={cache}", *map(str, cases)]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False).stdout
    noted = {
        (ROOT / line.split(":")[0]).resolve()
        for line in out.splitlines()
        if ": note: " in line and "Revealed type" not in line
    }
    # One `# mypy-error: [code]` assertion matches one diagnostic: a line with two of one code cannot be said.
    seen: set[tuple[str, str, str]] = set()
    for found in re.finditer(r"^(.+?):(\d+): error: .*\[([\w-]+)\]$", out, re.M):
        key = (found.group(1), found.group(2), found.group(3))
        if key in seen:
            noted.add((ROOT / found.group(1)).resolve())
        seen.add(key)
    return [p for p in cases if p.resolve() not in noted]


def pyright_doubled(cases: Sequence[Path]) -> set[Path]:
    """Cases with a line where pyright reports two errors of one rule (one assertion matches one)."""
    argv = [find_executable("pyright"), "--outputjson", *map(str, cases)]
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False).stdout
    seen: set[tuple[str, int, str]] = set()
    doubled: set[Path] = set()
    for diag in json.loads(out)["generalDiagnostics"]:
        if diag.get("severity") != "error":
            continue
        key = (str(diag["file"]), int(diag["range"]["start"]["line"]), str(diag.get("rule", "")))
        if key in seen:
            doubled.add(Path(key[0]).resolve())
        seen.add(key)
    return doubled


def pytest_side(
    label: str, python: Path, expected: int, *args: str, cwd: Path, before: Callable[[], None] = lambda: None
) -> Side:
    argv = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    return Side(label, argv, expected, pytest_passed, cwd=cwd, before=before)


# -- the report -------------------------------------------------------------------------------------


def ratio_row(figure: str, what: str, theirs: float, against: str, ours: float, ratio: str, goal: str) -> str:
    return row(figure, what, f"{theirs:.2f} s", against, f"{ours:.2f} s", f"**{ratio}**", goal)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--typing-runs", type=int, default=3, help="runs for pytest-typing (about 2 s a case)")
    parser.add_argument("--growth", default="1,4,16", help="corpus sizes, in copies of the corpus")
    parser.add_argument(
        "--typing-checkers", default="mypy,pyright", help="pytest-typing rows, by checker (about 3.5 s a case)"
    )
    parser.add_argument(
        "--yaml-python",
        type=Path,
        default=Path(sys.executable),
        help="an interpreter with our stubs, mypy and pytest-mypy-plugins installed (P4)",
    )
    parser.add_argument(
        "--p4-suites",
        default="ours,shipped,checkers",
        help="P4's figures: our YAML corpus and pytest-mypy-plugins' shipped tests against pytest-mypy-plugins; "
        "checkers: our corpus under mypy + pyright against the same checker commands by hand",
    )
    parser.add_argument("--cold-runs", type=int, default=1, help="P5's cold runs of the whole plan (minutes each)")
    parser.add_argument(
        "--fast-growth", default="1,4,16,64", help="P6 corpus sizes (ty + pyrefly), in copies of the corpus"
    )
    parser.add_argument(
        "--stubs-python",
        type=Path,
        default=None,
        help="an environment with our stubs, as the matrix's `stubs` target: P5 then runs the full 60-run plan",
    )
    parser.add_argument(
        "--only", default="P1,P3,P4,P5,P6", help="which figures (the growth table is P1 and P2; P6 ty + pyrefly)"
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bgtyping-bench-"))
    try:
        return bench(args, tmp)
    except HarnessError as exc:
        print(f"harness error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench(args: argparse.Namespace, tmp: Path) -> int:
    runs: int = args.runs
    only = set(str(args.only).split(","))
    python = Path(sys.executable)
    corpus = load_corpus(ROOT / "typing_tests")
    report: list[str] = []
    growth: list[str] = []
    fast_rows: list[str] = []
    memory: list[str] = []
    n311 = len([c for c in corpus.cases if c.applies_to("3.11")])

    failed: HarnessError | None = None
    try:
        if "P1" in only:
            # P1 and P2: the engine against the same six commands at the same parallelism, corpus 1x, 4x, 16x.
            previous: tuple[int, float] | None = None
            for n in (int(x) for x in str(args.growth).split(",")):
                big = copies(corpus, tmp / f"x{n}", n)
                ours = engine_side(f"engine, {n}x", python, big.root, SIX, tmp / f"e{n}", cells(big, SIX), cold=True)
                pool = pool_side(f"pool of {JOBS}, {n}x", big, python, tmp / f"p{n}")
                pair = side_by_side(ours, pool, runs)
                t_ours, t_pool = pair.wall()
                own = statistics.median(r.own_cpu for r in pair.a)
                sampled = execute(ours, sample=True).peaks
                pool_peaks = execute(pool, sample=True).peaks
                k = len(big.cases)
                step = ""
                if previous is not None:
                    step = f"{(own - previous[1]) / (k - previous[0]) * 1000:.2f} ms"
                previous = (k, own)
                growth.append(
                    row(
                        f"{n}x",
                        str(k),
                        f"{t_ours:.2f} s",
                        f"{t_pool:.2f} s",
                        f"**{t_ours / t_pool:.3f}x**",
                        f"{own:.2f} s",
                        f"{own / k * 1000:.2f} ms",
                        step or "-",
                        f"{sampled.get('engine process', 0):.0f} MiB",
                        f"{sampled['whole tree']:.0f} MiB",
                        f"{pool_peaks['whole tree']:.0f} MiB",
                    )
                )
                if n == 1:
                    report.append(
                        ratio_row(
                            "P1 overhead",
                            f"engine CLI, six checkers, {k} cases, cold",
                            t_ours,
                            f"the same six commands, {JOBS} at a time (benchmarks/pool.py), cold",
                            t_pool,
                            f"{t_ours / t_pool:.3f}x",
                            "<= 1.05x",
                        )
                    )
                    per = ", ".join(f"{name} {sampled.get(name, 0):.0f} MiB" for name in SIX)
                    memory.append(
                        f"- Peak memory, six-checker engine run, 1x (sampled every 20 ms): per checker "
                        f"process {per}; the engine process {sampled.get('engine process', 0):.0f} MiB; "
                        f"the whole tree {sampled['whole tree']:.0f} MiB at once."
                    )

        if "P6" in only:
            # The two fastest checkers, where the engine's own cost shows: the engine (fresh workdir, and
            # its workdir kept from the run before: parse cache and staged files, no --reuse, so both
            # checkers run every time) against the same two commands started by hand, two at a time.
            fast = ("ty", "pyrefly")
            first: tuple[int, float, float, float] | None = None
            for n in (int(x) for x in str(args.fast_growth).split(",")):
                big = copies(corpus, tmp / f"x{n}", n)
                k = len(big.cases)
                work = tmp / f"f{n}"
                cold_side = engine_side(f"engine ty+pyrefly, {n}x, fresh workdir", python, big.root, fast,
                                        work, cells(big, fast), cold=True)  # fmt: skip
                warm_side = engine_side(f"engine ty+pyrefly, {n}x, workdir kept", python, big.root, fast,
                                        work, cells(big, fast), cold=False)  # fmt: skip
                bare = pool_side(f"ty + pyrefly by hand, {n}x", big, python, tmp / f"fp{n}", fast)
                cold_runs, warm_runs, bare_runs = interleaved([cold_side, warm_side, bare], runs)
                t_cold, t_warm, t_bare = median_wall(cold_runs), median_wall(warm_runs), median_wall(bare_runs)
                cpu_cold = statistics.median(r.own_cpu for r in cold_runs)
                cpu_warm = statistics.median(r.own_cpu for r in warm_runs)
                peak = execute(cold_side, sample=True).peaks.get("engine process", 0.0)
                peak_warm = execute(warm_side, sample=True).peaks.get("engine process", 0.0)
                added = "-"
                if first is not None:
                    k1, c1, w1, over1 = first
                    added = (
                        f"{(cpu_cold - c1) / (k - k1) * 1000:.2f} / {(cpu_warm - w1) / (k - k1) * 1000:.2f} ms; "
                        f"{((t_warm - t_bare) - over1) / (k - k1) * 1000:.2f} ms"
                    )
                else:
                    first = (k, cpu_cold, cpu_warm, t_warm - t_bare)  # the step from 1x, per added case
                fast_rows.append(
                    row(
                        f"{n}x",
                        str(k),
                        f"{t_bare:.2f} s",
                        f"{t_cold:.2f} s (**{t_cold / t_bare:.2f}x**)",
                        f"{t_warm:.2f} s (**{t_warm / t_bare:.2f}x**)",
                        f"{cpu_cold / k * 1000:.2f} / {cpu_warm / k * 1000:.2f} ms",
                        added,
                        f"{peak:.0f} / {peak_warm:.0f} MiB",
                    )
                )

        if "P3" in only:
            ini = ROOT / "typing_tests" / "yaml" / "mypy.ini"
            sync = [c.path for c in corpus.cases if c.group == "sync" and c.applies_to("3.11")]
            every = [c.path for c in corpus.cases if c.applies_to("3.11")]
            for label, chosen, select in (
                (f"{len(sync)} cases (sync/)", sync, "sync/*"),
                (f"all {n311} cases", every, None),
            ):
                k = len(chosen)
                pmp = as_pmp_yaml(chosen, tmp / f"pmp{k}", ini)
                base = tmp / f"pmpbase{k}"
                base.mkdir()
                ours = engine_side(
                    f"engine mypy, {label}",
                    python,
                    corpus.root,
                    ["mypy"],
                    tmp / f"p3e{k}",
                    k
                    + (
                        len(
                            [
                                c
                                for c in corpus.cases
                                if (select is None or c.group == "sync") and not c.applies_to("3.11")
                            ]
                        )
                    ),
                    cold=False,
                    select=select,
                )
                theirs = pytest_side(
                    f"pytest-mypy-plugins, {label}",
                    python,
                    k,
                    str(pmp),
                    f"--mypy-ini-file={ini}",
                    f"--mypy-testing-base={base}",
                    cwd=tmp,
                )
                t_ours, t_theirs = side_by_side(ours, theirs, runs).wall()
                report.append(
                    ratio_row(
                        "P3 peers",
                        f"pytest-mypy-plugins, {label}, warm",
                        t_theirs,
                        "engine CLI, mypy, warm",
                        t_ours,
                        f"{t_theirs / t_ours:.1f}x faster",
                        ">= 30x" if select is None else "-",
                    )
                )
            # pytest-typing 26.5.0 raises ValueError on any mypy note but reveal_type's (mypy notes where an
            # imported callable is defined after a call-arg error), so it runs the cases mypy reports without one.
            # Cases that claim what only bgtyping.mypy_plugin reports need the plugin, which pytest-typing's mypy
            # does not load: they stay with the engine.
            plugin_kinds = set(PLUGIN_CODES)
            plain = [c.path for c in corpus.cases if c.applies_to("3.11") and not plugin_kinds & c_kinds(c)]
            clean = noteless(plain, python)
            doubled = pyright_doubled(clean)
            for name in str(args.typing_checkers).split(","):
                chosen = clean if name == "mypy" else [p for p in clean if p.resolve() not in doubled]
                k = len(chosen)
                label = f"{k} of {n311} cases (those pytest-typing can run, see BENCHMARKS.md)"
                small = tmp / f"pt-corpus-{name}"
                for path in chosen:
                    (small / "cases" / path.parent.name).mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, small / "cases" / path.parent.name / path.name)
                shutil.copy(corpus.root / "divergences.toml", small / "divergences.toml")
                md = as_pytest_typing(corpus, chosen, tmp / f"pt-{name}")
                ours = engine_side(
                    f"engine {name}, {label}", python, small, [name], tmp / f"p3t{name}", k, cold=False, select="*"
                )
                theirs = pytest_side(
                    f"pytest-typing {name}, {label}", python, k, str(md), f"--typing-checkers={name}", cwd=tmp
                )
                t_ours, t_theirs = side_by_side(ours, theirs, args.typing_runs).wall()
                report.append(
                    ratio_row(
                        "P3 peers",
                        f"pytest-typing, {name}, {label}",
                        t_theirs,
                        f"engine CLI, {name}, warm",
                        t_ours,
                        f"{t_theirs / t_ours:.1f}x faster",
                        ">= 100x" if name == "mypy" else "-",
                    )
                )

        if "P4" in only:
            yp: Path = args.yaml_python
            yaml_dir = ROOT / "typing_tests" / "yaml"
            ini = yaml_dir / "mypy.ini"
            # pytest-mypy-plugins' own test files, from the package installed in the YAML environment: every
            # one that needs no extension hook (test-extension.yml needs one per process; tests/test_yaml_batch.py
            # runs it), with an ini holding `[mypy]` (an ini without it makes mypy warn in every item's output).
            base_ini = tmp / "p4-base.ini"
            base_ini.write_text("[mypy]\n", encoding="utf-8")
            # Its own pytest config (the marks its tests use, as its repository registers them), not ours.
            pytest_ini = tmp / "p4-pytest.ini"
            pytest_ini.write_text("[pytest]\nmarkers =\n    foo\n    bar\n", encoding="utf-8")
            suites: list[tuple[str, list[Path], Path, str]] = []
            if "ours" in args.p4_suites.split(","):
                suites.append(("our YAML corpus", [yaml_dir], ini, "our"))
            if "shipped" in args.p4_suites.split(","):
                where = "import pytest_mypy_plugins, os; print(os.path.dirname(pytest_mypy_plugins.__file__))"
                found = subprocess.run([str(yp), "-c", where], capture_output=True, text=True, check=False)
                shipped_dir = Path(found.stdout.strip()) / "tests"
                shipped = sorted(p for p in shipped_dir.glob("test-*.yml") if p.name != "test-extension.yml")
                if found.returncode != 0 or not shipped:
                    raise HarnessError(f"no pytest-mypy-plugins test files found beside {yp}")
                suites.append(
                    (f"pytest-mypy-plugins' shipped tests ({len(shipped)} files)", shipped, base_ini, "shipped")
                )
            for suite, paths, suite_ini, tag in suites:
                # The number of items: what our collector finds; pytest-mypy-plugins must pass exactly as many.
                count_argv = [str(yp), "-m", "bgtyping", "yaml", *map(str, paths), f"--mypy-ini-file={suite_ini}"]
                count_argv.append(f"--workdir={tmp / f'p4count{tag}'}")
                side_env = dict(os.environ, PATH=os.pathsep.join([str(yp.parent), os.environ.get("PATH", "")]))
                counted = subprocess.run(count_argv, cwd=tmp, env=side_env, capture_output=True, text=True, check=False)
                n_yaml = yamlbatch_passed(Run(counted.returncode, counted.stdout, counted.stderr, 0.0, 0.0, 0.0))
                for temperature in ("cold", "warm"):
                    cold = temperature == "cold"
                    work, base = tmp / f"p4{tag}{temperature}", tmp / f"p4base{tag}{temperature}"

                    def fresh(base: Path = base, cold: bool = cold) -> None:
                        if cold:
                            shutil.rmtree(base, ignore_errors=True)
                        base.mkdir(exist_ok=True)

                    # Both sides get the same instructions: where pytest-mypy-plugins is told its rootdir (the
                    # shipped tests, with their own pytest config), so is bgtyping yaml.
                    ours = Side(
                        f"bgtyping yaml, {suite}, {temperature}",
                        [str(yp), "-m", "bgtyping", "yaml", *map(str, paths), f"--mypy-ini-file={suite_ini}",
                         f"--workdir={work}", *([f"--rootdir={tmp}"] if tag == "shipped" else [])],
                        n_yaml,
                        yamlbatch_passed,
                        cwd=tmp,
                        before=wipe(work) if cold else lambda: None,
                    )  # fmt: skip
                    theirs = pytest_side(
                        f"pytest-mypy-plugins, {suite}, {temperature}",
                        yp,
                        n_yaml,
                        *map(str, paths),
                        f"--mypy-ini-file={suite_ini}",
                        f"--mypy-testing-base={base}",
                        *([f"-c={pytest_ini}", f"--rootdir={tmp}"] if tag == "shipped" else []),
                        cwd=tmp,
                        before=fresh,
                    )
                    t_ours, t_theirs = side_by_side(ours, theirs, runs).wall()
                    report.append(
                        ratio_row(
                            "P4 YAML",
                            f"pytest-mypy-plugins, {suite}, {n_yaml} items, {temperature}",
                            t_theirs,
                            f"bgtyping yaml, {temperature}",
                            t_ours,
                            f"{t_theirs / t_ours:.1f}x faster",
                            ">= 10x" if cold else ">= 15x",
                        )
                    )

            # Under mypy and pyright: `bgtyping yaml --checker mypy,pyright` (workdir kept, as a rerun) against
            # the very commands it starts (recorded once by benchmarks/record.py: argv, cwd, environment, in
            # the folders it wrote), replayed JOBS at a time. Our corpus only: on pytest-mypy-plugins' own
            # files pyright disagrees with mypy by design, and no ratio is taken against a failing side.
            if "checkers" in args.p4_suites.split(","):
                report.append(yaml_checkers_row(yp, yaml_dir, ini, tmp / "p4mp", runs))

        if "P5" in only:
            five = ("3.10", "3.11", "3.12", "3.13", "3.14")
            work = tmp / "p5"
            # Every cell of the plan, the YAML items' among them; on the stubs target zuban's documented
            # limitation makes every one of its cells unsupported, exactly those.
            targets: list[str] = [f"inline={python}"]
            if args.stubs_python is not None:
                targets.append(f"stubs={args.stubs_python}")
            per_run = len(corpus.every_case)
            n_runs = len(SIX) * len(five) * len(targets)
            unsupported = per_run * len(five) if args.stubs_python is not None else 0
            argv = [str(python), "-m", "bgtyping", *(f"--target={t}" for t in targets), f"--corpus={corpus.root}"]
            argv += [f"--workdir={work}", "--reuse", *(f"--checker={n}" for n in SIX), *(f"--python={v}" for v in five)]
            count = engine_cells_with(unsupported)
            cold_side = Side("engine, cold, the whole plan", argv, per_run * n_runs, count, before=wipe(work))
            warm_side = Side("engine, --reuse warm, the whole plan", argv, per_run * n_runs, count)
            # The cold run takes minutes: --cold-runs of it (the first, checking run not counted).
            (cold_runs,) = interleaved([cold_side], args.cold_runs)
            (warm_runs,) = interleaved([warm_side], runs)
            t_cold, t_warm = median_wall(cold_runs), median_wall(warm_runs)
            plan_text = f"six checkers x {len(targets)} target(s) x five Pythons ({n_runs} runs)"
            report.append(
                ratio_row(
                    "P5 warm",
                    f"rerun with --reuse, nothing changed, {plan_text}",
                    t_warm,
                    f"cold run, same plan, fresh workdir (median of {args.cold_runs})",
                    t_cold,
                    f"{t_warm / t_cold:.3f}x; {t_warm:.2f} s",
                    "<= 0.1x; <= 1 s (issue 20)",
                )
            )
    except HarnessError as exc:
        failed = exc  # the figures already measured are printed, then the bench exits 1

    versions = ", ".join(version_of(find_executable(checkers.get(n).executable)) for n in SIX)
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    print(f"checkers: {versions}")
    print(f"runs per figure: {runs} (median), every side a whole process, checked to pass first\n")
    print("\n".join(memory) + "\n" if memory else "", end="")
    if report:
        print("| figure | measured | time | against | time | ratio | goal |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(report))
    if growth:
        print(
            f"\nGrowth (six checkers, cold; pool = the same commands {JOBS} at a time; engine CPU = its own "
            "process, checkers excluded):\n"
        )
        print(
            "| corpus | cases | engine | pool | ratio | engine CPU | engine CPU per case | per added case "
            "| engine process peak | engine tree peak | pool tree peak |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(growth))
    if fast_rows:
        print(
            "\nP6, ty + pyrefly (Python 3.11, inline target): the engine, with a fresh workdir and with its workdir "
            f"kept (no --reuse: both checkers run every time), against the same two commands {JOBS} at a time. "
            "Engine CPU = its own process; per added case = from the first size; wall over bare = the engine's "
            "kept-workdir wall less the bare wall, per added case:\n"
        )
        print(
            "| corpus | cases | ty + pyrefly by hand | engine, fresh workdir | engine, workdir kept "
            "| engine CPU per case (fresh / kept) | per added case: engine CPU (fresh / kept); wall over bare "
            "| engine process peak (fresh / kept) |"
        )
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(fast_rows))
    if failed is not None:
        raise failed
    return 0


if __name__ == "__main__":
    sys.exit(main())
