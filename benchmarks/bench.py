"""Benchmarks P1-P5 (see BENCHMARKS.md). Run with `nox -s bench`; prints a Markdown report.

Every figure is the median of several runs, and every comparison is a ratio of two things measured
side by side in the same process, runs interleaved, so machine noise hits both sides alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bgtyping import checkers, yamlbatch
from bgtyping.checkers.base import RunSpec, find_executable, version_of
from bgtyping.corpus import Corpus, load_corpus
from bgtyping.model import RunKey, Target
from bgtyping.runner import Plan, probe_cases, run_plan
from bgtyping.yamlcases import load_yaml_cases

ROOT = Path(__file__).resolve().parents[1]
SIX = ("mypy", "pyright", "basedpyright", "pyrefly", "ty", "zuban")


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def median_time(action: Callable[[], object], runs: int) -> float:
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def side_by_side(a: Callable[[], object], b: Callable[[], object], runs: int) -> tuple[float, float]:
    """Interleave a and b, so drift in machine load lands on both."""
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(runs):
        for action, times in ((a, ta), (b, tb)):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
    return statistics.median(ta), statistics.median(tb)


def engine(
    corpus: Corpus, python: Path, names: Sequence[str], workdir: Path, *, cold: bool, reuse: bool = False
) -> Callable[[], None]:
    plan = Plan(corpus, tuple(names), (Target("inline", python),), ("3.11",), workdir, reuse=reuse)

    def go() -> None:
        if cold:
            shutil.rmtree(workdir, ignore_errors=True)
        outcomes = run_plan(plan)
        broken = [o.error for o in outcomes.values() if o.error]
        assert not broken, broken

    return go


def bare(corpus: Corpus, python: Path, workdir: Path) -> Callable[[], None]:
    """The same checker command lines the engine runs, one after another, output discarded."""
    files = tuple(c.path for c in corpus.cases if c.applies_to("3.11")) + tuple(c.path for c in probe_cases("inline"))

    def go() -> None:
        shutil.rmtree(workdir, ignore_errors=True)
        for name in SIX:
            checker = checkers.get(name)
            key = RunKey(name, "inline", "3.11")
            spec = RunSpec(key, files, python, "3.11", workdir / name, ROOT)
            spec.workdir.mkdir(parents=True, exist_ok=True)
            command = checker.command(find_executable(checker.executable), spec)
            subprocess.run(command, cwd=ROOT, capture_output=True, check=False)

    return go


def doubled(corpus: Corpus, where: Path) -> Corpus:
    """A corpus with every case twice: the copies get their own module names."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(corpus.root / "cases", where / "cases")
    shutil.copy(corpus.root / "divergences.toml", where / "divergences.toml")
    for path in sorted((where / "cases").rglob("check_*.py")):
        stem, _, gate = path.stem.partition("-")
        twin = path.with_name(f"{stem}_twin{'-' + gate if gate else ''}.py")
        shutil.copy(path, twin)
    return load_corpus(where)


def subset(corpus: Corpus, count: int) -> list[Path]:
    return [c.path for c in corpus.cases if c.group == "sync"][:count]


def as_pmp_yaml(cases: Sequence[Path], where: Path, ini: Path) -> Path:
    """The cases as pytest-mypy-plugins YAML, with `out:` taken from mypy's own output."""
    items = [f"- case: {p.stem}\n  main: |\n{textwrap.indent(p.read_text(encoding='utf-8'), '    ')}" for p in cases]
    where.mkdir(parents=True, exist_ok=True)
    draft = where / "draft"
    draft.mkdir(exist_ok=True)
    (draft / "test_draft.yml").write_text("\n".join(items), encoding="utf-8")
    variants = yamlbatch.variants(load_yaml_cases(draft), ini)
    for index, batch in enumerate(yamlbatch.batches(variants)):
        yamlbatch.run_batch(batch, where / f"gen{index}", where / "gen-cache")
    final: list[str] = []
    for path, variant in zip(cases, variants, strict=True):
        out = "".join(f"    {line}\n" for line in variant.actual)
        body = textwrap.indent(_strip_markers(path.read_text(encoding="utf-8")), "    ")
        final.append(f"- case: {path.stem}\n  main: |\n{body}" + (f"  out: |\n{out}" if out else ""))
    target = where / "yaml" / "test_bench.yml"
    target.parent.mkdir(exist_ok=True)
    target.write_text("\n".join(final), encoding="utf-8")
    return target.parent


def _strip_markers(source: str) -> str:
    return re.sub(r"  # (E|diverge): .*$", "", source, flags=re.M)


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
                for code in sorted(
                    spec.explicit.get(name) or {c for k in spec.kinds for c in checkers.get(name).codes[k]}
                )
            ]
            lines[number - 1] += "  " + "  ".join(notes)
        sections.append(f"## {path.stem}\n\n```python\n" + "\n".join(lines) + "\n```\n")
    where.mkdir(parents=True, exist_ok=True)
    target = where / "test_typing_bench.md"
    target.write_text("# bench\n\n" + "\n".join(sections), encoding="utf-8")
    return target


def pytest_run(*args: str, cwd: Path) -> Callable[[], None]:
    def go() -> None:
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd, check=False,
                       capture_output=True)  # fmt: skip

    return go


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-cases", type=int, default=16)
    args = parser.parse_args(argv)
    python = Path(sys.executable)
    corpus = load_corpus(ROOT / "typing_tests")
    tmp = Path(tempfile.mkdtemp(prefix="bgtyping-bench-"))
    n_cases = len([c for c in corpus.cases if c.applies_to("3.11")])
    report: list[str] = []

    # P1: the engine against the bare commands, both cold.
    t_engine, t_bare = side_by_side(
        engine(corpus, python, SIX, tmp / "p1e", cold=True), bare(corpus, python, tmp / "p1b"), args.runs
    )
    report.append(
        row(
            "P1 overhead",
            f"engine, six checkers, {n_cases} cases, cold",
            f"{t_engine:.2f} s",
            "sequential bare commands",
            f"{t_bare:.2f} s",
            f"**{t_engine / t_bare:.2f}x**",
            "<= 1.0x",
        )
    )

    # P2: marginal cost per added case, from the corpus doubled.
    big = doubled(corpus, tmp / "double")
    added = len([c for c in big.cases if c.applies_to("3.11")]) - n_cases
    t_small, t_big = side_by_side(
        engine(corpus, python, SIX, tmp / "p2a", cold=True), engine(big, python, SIX, tmp / "p2b", cold=True), args.runs
    )
    per_case = (t_big - t_small) / added
    report.append(
        row(
            "P2 scaling",
            f"+{added} cases (corpus doubled), six checkers",
            f"{t_big:.2f} s",
            "original corpus",
            f"{t_small:.2f} s",
            f"**{per_case * 1000:.1f} ms per added case**",
            "<= 5 ms",
        )
    )

    # P3: peers on the same cases in their own formats, per case.
    cases = subset(corpus, args.peer_cases)
    ini = ROOT / "typing_tests" / "yaml" / "mypy.ini"
    pmp_dir = as_pmp_yaml(cases, tmp / "pmp", ini)
    md = as_pytest_typing(corpus, cases, tmp / "pt")
    small = tmp / "small"
    (small / "cases").mkdir(parents=True)
    for path in cases:
        shutil.copy(path, small / "cases" / path.name)
    shutil.copy(corpus.root / "divergences.toml", small / "divergences.toml")
    small_corpus = load_corpus(small, select="*")  # a subset: most divergences go unused
    k = len(cases)
    base = ["--mypy-ini-file", str(ini), f"--mypy-testing-base={tmp / 'pmpbase'}"]
    ours_mypy, pmp_default = side_by_side(
        engine(small_corpus, python, ["mypy"], tmp / "p3m", cold=False),
        pytest_run(str(pmp_dir), *base, cwd=tmp),
        args.runs,
    )
    _, pmp_same = side_by_side(lambda: None, pytest_run(str(pmp_dir), *base, "--mypy-same-process", cwd=tmp), args.runs)
    ours_pyright, pt_pyright = side_by_side(
        engine(small_corpus, python, ["pyright"], tmp / "p3p", cold=False),
        pytest_run(str(md), "--typing-checkers=pyright", cwd=tmp),
        args.runs,
    )
    _, pt_mypy = side_by_side(
        lambda: None, pytest_run(str(md), "--typing-checkers=mypy", cwd=tmp), 1 if args.runs < 3 else 3
    )
    for label, peer, ours, goal in (
        ("pytest-mypy-plugins (default)", pmp_default, ours_mypy, ">= 30x"),
        ("pytest-mypy-plugins (--mypy-same-process)", pmp_same, ours_mypy, "-"),
        ("pytest-typing, mypy", pt_mypy, ours_mypy, ">= 100x"),
        ("pytest-typing, pyright", pt_pyright, ours_pyright, "-"),
    ):
        report.append(
            row(
                "P3 peers",
                f"{label}, {k} cases",
                f"{peer / k * 1000:.0f} ms/case",
                "engine, same checker, warm",
                f"{ours / k * 1000:.0f} ms/case",
                f"**{peer / ours:.1f}x faster**",
                f"{goal}",
            )
        )

    # P3 again at the corpus' full size for pytest-mypy-plugins, where the engine's fixed cost is spread.
    every = [c.path for c in corpus.cases if c.applies_to("3.11")]
    full_dir = as_pmp_yaml(every, tmp / "pmp-full", ini)
    n = len(every)
    ours_full, pmp_full = side_by_side(
        engine(corpus, python, ["mypy"], tmp / "p3full", cold=False),
        pytest_run(str(full_dir), *base, cwd=tmp),
        args.runs,
    )
    report.append(
        row("P3 peers", f"pytest-mypy-plugins (default), all {n} cases", f"{pmp_full / n * 1000:.0f} ms/case",
            "engine, mypy", f"{ours_full / n * 1000:.0f} ms/case", f"**{pmp_full / ours_full:.1f}x faster**", ">= 30x")
    )  # fmt: skip

    # P4: the YAML set, batched against pytest-mypy-plugins, cold and warm.
    yaml_dir = ROOT / "typing_tests" / "yaml"
    n_yaml = len(yamlbatch.variants(load_yaml_cases(yaml_dir), ini))

    def batch(cold: bool) -> Callable[[], None]:
        def go() -> None:
            if cold:
                shutil.rmtree(tmp / "p4", ignore_errors=True)
            yamlbatch.run(yaml_dir, ini, tmp / "p4")

        return go

    def pmp_yaml(cold: bool) -> Callable[[], None]:
        def go() -> None:
            if cold:
                shutil.rmtree(tmp / "p4base", ignore_errors=True)
                (tmp / "p4base").mkdir()
            pytest_run(str(yaml_dir), "--mypy-ini-file", str(ini), f"--mypy-testing-base={tmp / 'p4base'}", cwd=tmp)()

        return go

    for temperature in ("cold", "warm"):
        ours, theirs = side_by_side(batch(temperature == "cold"), pmp_yaml(temperature == "cold"), args.runs)
        report.append(
            row(
                "P4 YAML",
                f"pytest-mypy-plugins, {n_yaml} YAML cases, {temperature}",
                f"{theirs:.2f} s",
                f"engine's batched YAML runner, {temperature}",
                f"{ours:.2f} s",
                f"**{theirs / ours:.1f}x faster**",
                ">= 10x",
            )
        )

    # P5: a rerun with nothing changed against a cold run (mypy cache kept in a stable place).
    warm_dir = tmp / "p5"
    cold_t, warm_t = side_by_side(
        engine(corpus, python, SIX, warm_dir, cold=True, reuse=True),
        engine(corpus, python, SIX, warm_dir, cold=False, reuse=True),
        args.runs,
    )
    report.append(
        row(
            "P5 warm",
            "rerun with --reuse, nothing changed, six checkers",
            f"{warm_t:.2f} s",
            "cold run",
            f"{cold_t:.2f} s",
            f"**{warm_t / cold_t:.2f}x**",
            "<= 0.25x",
        )
    )

    # Profile: where the time goes, per checker, from the engine's own timing of each run (cold).
    profile: list[str] = []
    for label, which in (("original", corpus), ("doubled", big)):
        shutil.rmtree(tmp / "prof", ignore_errors=True)
        plan = Plan(which, SIX, (Target("inline", python),), ("3.11",), tmp / "prof")
        started = time.perf_counter()
        outcomes = run_plan(plan)
        wall = time.perf_counter() - started
        seconds = {k.checker: o.result.seconds for k, o in outcomes.items() if o.result is not None}
        profile.append(row(label, f"{wall:.2f} s", *(f"{seconds[n]:.2f} s" for n in SIX)))
    shutil.rmtree(tmp / "prof", ignore_errors=True)

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    versions = ", ".join(version_of(find_executable(checkers.get(n).executable)) for n in SIX)
    cores = len(os.sched_getaffinity(0))
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}")
    print(f"checkers: {versions}")
    print(f"peak memory: largest checker process {peak:.0f} MiB; the engine process itself {own:.0f} MiB")
    print(f"runs per figure: {args.runs} (median)\n")
    print("| figure | measured | time | against | time | ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(report))
    print("\nProfile (one cold run each; checker columns are each checker's own wall time, run in parallel):\n")
    print(row("corpus", "engine wall", *SIX))
    print(row(*["---"] * (len(SIX) + 2)))
    print("\n".join(profile))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
