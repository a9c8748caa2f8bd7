"""Zero collateral: the whole .py corpus under mypy with and without bgtyping.mypy_plugin.

    python -m devtools.collateral --target inline=PY --target stubs=PY [--python 3.11 ...]

Both runs use the engine as it is (same staging, config, health checks). The plugin passes when,
for every target and Python version:

- every diagnostic without the plugin is reported with it too, and with it the only extra ones carry
  the plugin's codes (`bg-task-generator`, `bg-task-unawaited`);
- every extra diagnostic is on a line that claims the plugin's kinds, and every such line gets one;
- every case that claims none of the plugin's kinds gets the same verdict both ways.

It prints one line per target and Python version with the figures, and exits 1 on any difference.

`--ancient PY` also runs the plugin's cases (`neverrun/`) under mypy with the plugin against an
interpreter whose starlette predates ParamSpec (0.17.1) and has no stubs: the engine refuses such an
inline target (its fingerprint probe needs upstream's `P`), so this one run is judged directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from bgtyping import checkers
from bgtyping.checkers.mypy import PLUGIN, Mypy
from bgtyping.checkers.protocol import RunSpec
from bgtyping.corpus import load_corpus
from bgtyping.engine.execute import execute
from bgtyping.engine.judge import judge
from bgtyping.engine.run import run_plan
from bgtyping.engine.targets import parse_targets
from bgtyping.host.hermetic import controlled_env, default_workdir
from bgtyping.host.procs import Processes
from bgtyping.model import (
    PLUGIN_CODES,
    PYTHON_VERSIONS,
    Corpus,
    Diagnostic,
    EngineError,
    Outcome,
    Plan,
    RunKey,
    RunOutcome,
)

CODES = frozenset[str]().union(*PLUGIN_CODES.values())


def _run(plan: Plan, plugin: bool) -> dict[RunKey, RunOutcome]:
    with checkers.replaced(Mypy(PLUGIN if plugin else None)):
        outcomes = run_plan(plan)
    for key, outcome in outcomes.items():
        if outcome.error is not None or outcome.result is None:
            raise EngineError(f"{key} ({'with' if plugin else 'without'} the plugin) is broken: {outcome.error}")
    return outcomes


def _key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.path, d.line, d.column, d.code, d.message)


def compare(
    corpus: Corpus, with_plugin: Mapping[RunKey, RunOutcome], without: Mapping[RunKey, RunOutcome]
) -> list[str]:
    """One line per target and Python version, then one per difference (prefixed `DIFF`)."""
    lines: list[str] = []
    cases = corpus.cases
    claims = {(str(c.path), n): spec for c in cases for n, spec in c.lines.items() if spec.kinds & set(PLUGIN_CODES)}
    plugin_lines = set(claims)
    plugin_cases = {c.id for c in cases if any((str(c.path), n) in plugin_lines for n in c.lines)}
    for key, on in with_plugin.items():
        off = without[key]
        assert on.result is not None
        assert off.result is not None
        got_on = {_key(d): d for d in on.result.diagnostics}
        got_off = {_key(d): d for d in off.result.diagnostics}
        diffs: list[str] = []
        diffs += [f"lost without a trace: {d.render('mypy')}" for k, d in got_off.items() if k not in got_on]
        added = [d for k, d in got_on.items() if k not in got_off]
        diffs += [f"added, not the plugin's: {d.render('mypy')}" for d in added if d.code not in CODES]
        flagged = {(d.path, d.line) for d in added if d.code in CODES}
        diffs += [f"flagged a line that claims no plugin kind: {p}:{n}" for p, n in sorted(flagged - plugin_lines)]
        judged = {str(c.path) for c in cases if c.applies_to(key.python_version)}
        # A documented limit (a divergence that says mypy reports nothing there) is not flagged, by design.
        blind = {
            line
            for line, spec in claims.items()
            if any("mypy" in corpus.divergences[d].reports and key.target in corpus.divergences[d].targets
                   for d in spec.divergences)
        }  # fmt: skip
        missed = {(p, n) for p, n in plugin_lines - blind if p in judged} - flagged
        diffs += [f"not flagged, though the line claims a plugin kind: {p}:{n}" for p, n in sorted(missed)]
        changed = [
            case
            for case, verdict in on.verdicts.items()
            if case not in plugin_cases and verdict.outcome != off.verdicts[case].outcome
        ]
        diffs += [
            f"verdict changed: {c}: {off.verdicts[c].outcome.value} -> {on.verdicts[c].outcome.value}" for c in changed
        ]
        same = sum(1 for c in on.verdicts if c not in plugin_cases and c not in changed)
        lines.append(
            f"{key.target} py{key.python_version}: {len(flagged)} lines flagged by the plugin "
            f"(of {sum(1 for p, _ in plugin_lines if p in judged)} claimed, {len(blind)} of them documented limits), "
            f"{same} other case verdicts identical, {len(changed)} changed, {len(diffs)} differences"
        )
        lines.extend(f"DIFF {key}: {d}" for d in diffs)
    return lines


def ancient(python: Path, corpus_root: Path, workdir: Path) -> list[str]:
    """The plugin's cases under mypy with the plugin, on a ParamSpec-less starlette without stubs."""
    corpus = load_corpus(corpus_root, "neverrun/*")
    lines: list[str] = []
    for version in PYTHON_VERSIONS:
        cases = [c for c in corpus.cases if c.applies_to(version)]
        key = RunKey("mypy", "inline", version)
        spec = RunSpec(
            key=key,
            files=tuple(c.path for c in cases),
            python=python,
            python_version=version,
            workdir=workdir / f"mypy-py{version}",
            root=corpus.root.parent,
            env=controlled_env(workdir),
        )
        result = execute(Mypy(PLUGIN), spec, 600.0, Processes()).result
        verdicts = [judge(c, checkers.get("mypy"), result, corpus.divergences, spec.root) for c in cases]
        failed = [v for v in verdicts if v.outcome is Outcome.FAIL]
        lines.append(f"ancient py{version}: {len(verdicts) - len(failed)} of {len(verdicts)} plugin cases hold")
        lines.extend(f"DIFF {key}: {problem}" for v in failed for problem in map(str, v.problems))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.collateral", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--target", action="append", required=True, help="NAME=PYTHON, as for bgtyping")
    parser.add_argument(
        "--python", action="append", choices=PYTHON_VERSIONS, help="target Python version (default: all)"
    )
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent / "typing_tests")
    parser.add_argument("--select", help="a glob on paths below cases/")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--ancient", type=Path, default=None, help="python with starlette 0.17.1, no stubs")
    args = parser.parse_args(argv)
    try:
        corpus = load_corpus(args.corpus, args.select)
        root = (args.workdir or default_workdir() / "collateral").absolute()
        plans = {
            plugin: Plan(
                corpus=corpus,
                checkers=("mypy",),
                targets=parse_targets(args.target),
                python_versions=tuple(args.python or PYTHON_VERSIONS),
                workroot=root / ("plugin" if plugin else "no-plugin"),
            )
            for plugin in (True, False)
        }
        with_plugin, without = _run(plans[True], True), _run(plans[False], False)
        report = compare(corpus, with_plugin, without)
        if args.ancient is not None:
            report += ancient(args.ancient.absolute(), args.corpus, root / "ancient")
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report))
    diffs = sum(1 for line in report if line.startswith("DIFF"))
    print(f"collateral: {diffs} differences" + ("" if diffs else "; the plugin changed nothing but its own lines"))
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
