"""bgtyping: check what type checkers say about Starlette/FastAPI background-task calls.

Runs each checker once per (target, Python version) over the whole corpus and compares every
diagnostic with what each case line claims. With no arguments it checks the starlette/fastapi
installed beside the running interpreter (the `inline` target) under mypy and pyright. The corpus's
YAML items (its yaml/ folder) are judged too, in their own runs at the first Python version named.

`bgtyping yaml PATH...` runs pytest-mypy-plugins YAML test files instead (`bgtyping yaml --help`).

Exit status: 0 every judged cell was checked and agreed with its claim; 1 a cell failed, a run was
broken, nothing was judged, or --compare found a difference; 2 bad input (nothing was run);
130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from . import escape, pinned, version
from .engine.targets import describe, parse_targets, preflight
from .fsutil import atomic_write, check_writable_dir
from .host.hermetic import controlled_env, default_workdir
from .host.procs import Processes
from .model import CHECKER_NAMES, PYTHON_VERSIONS, TARGET_FINGERPRINTS, EngineError, Outcome, Plan, check_options
from .output.terminal import err, out
from .paths import CORPUS

if TYPE_CHECKING:
    from .host.interpreter import Definition, Interpreter
    from .model import RunKey, RunOutcome


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so the same cleanup as Ctrl-C runs."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive, finite number of seconds, not {text!r}")
    return value


def _version(text: str) -> str:
    if text not in PYTHON_VERSIONS:
        raise argparse.ArgumentTypeError(f"{text!r} is not supported; use one of {', '.join(PYTHON_VERSIONS)}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = escape.ArgumentParser(
        prog="bgtyping", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--target",
        action="append",
        metavar="NAME=PYTHON",
        help=f"an environment to check: NAME is one of {', '.join(TARGET_FINGERPRINTS)} (stubs/oldest must have our "
        "stubs installed, inline must not), PYTHON its interpreter; repeatable "
        "(default: inline=the running interpreter)",
    )
    parser.add_argument(
        "--checker",
        action="append",
        metavar="NAME",
        help=f"a checker to run, one of {', '.join(CHECKER_NAMES)}; repeatable (default: mypy and pyright)",
    )
    parser.add_argument(
        "--python",
        action="append",
        type=_version,
        metavar="X.Y",
        help=f"a target Python version for the checkers, one of {', '.join(PYTHON_VERSIONS)}; "
        "repeatable (default: 3.11)",
    )
    parser.add_argument(
        "--timeout", type=_seconds, default=600.0, metavar="SECONDS", help="per checker run (default: 600)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"checker caches, configs and staged cases (default: {default_workdir()}, or $BGTYPING_CACHE_DIR)",
    )
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, metavar="DIR",
        help="folder with cases/, divergences.toml and, if any, yaml/ (default: the corpus shipped with the engine)",
    )  # fmt: skip
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a healthy earlier run whose every input is unchanged (see README: the reuse key)",
    )
    parser.add_argument("--select", metavar="GLOB", help="only cases whose path below cases/ matches, e.g. 'sync/*'")
    parser.add_argument("--junitxml", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument(
        "--github-annotations", action="store_true", help="print ::error annotations for GitHub Actions"
    )
    parser.add_argument("--results", type=Path, metavar="DIR", help="write one results file per checker here")
    parser.add_argument(
        "--matrix", action="store_true", help="also print the case x checker/target matrix (worst verdict over Pythons)"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print every failed line (default: failures grouped by what broke, a few example calls each)",
    )
    parser.add_argument(
        "--strict-divergences",
        action="store_true",
        help="a recorded divergence that no longer reproduces fails the run even when it describes the target's "
        "own typing (default: that is an improvement of the library, reported as a notice); for the corpus's own CI",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the engine, corpus and pinned versions")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="print every cell that differs from the results in DIR; exit 1 if any",
    )
    return parser


class _VersionAction(argparse.Action):
    """argparse's own version action wants the text up front; this one reads the metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(version_text())  # stdout, as argparse's own version action prints
        parser.exit()


def version_text() -> str:
    cases = sum(1 for _ in (CORPUS / "cases").rglob("check_*.py")) if (CORPUS / "cases").is_dir() else 0
    pins = ", ".join(f"{name} {v}" for name, v in pinned().items())
    return f"bgtyping {version()}; corpus: {cases} cases at {CORPUS}; tested with: {pins or 'unknown'}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        os.getcwd()
    except OSError as exc:  # every relative path, and the report's paths, are read from it
        err(f"error: the current directory cannot be read ({exc.strerror or exc}): cd into one that exists")
        return 2
    if arguments[:1] == ["yaml"]:  # `bgtyping yaml PATH...`: pytest-mypy-plugins files (bgtyping/yamlbatch.py)
        from . import yamlbatch

        return yamlbatch.main(arguments[1:])
    args = build_parser().parse_args(arguments)
    previous = _on_sigterm()
    try:
        return _main(args)
    except KeyboardInterrupt:
        err("interrupted: every checker was stopped; no verdict")
        return 130
    except Terminated:
        err("terminated: every checker was stopped; no verdict")
        return 143
    except EngineError as exc:  # a fault after the run started, e.g. an output that cannot be written
        err(f"error: {exc}")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _on_sigterm() -> signal.Handlers | int | None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    try:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals to whoever owns them
        return None
    return previous if isinstance(previous, (int, signal.Handlers)) else signal.SIG_DFL


def _main(args: argparse.Namespace) -> int:
    try:
        workroot = (args.workdir or default_workdir()).resolve()  # checkers report resolved paths
        if (bad := escape.first_invisible(str(workroot))) is not None:
            raise EngineError(f"the workdir's path holds a control character ({escape.visible(bad)}); choose another")
        if workroot.is_relative_to(args.corpus.resolve() / "cases"):
            raise EngineError(
                f"the workdir {workroot} lies inside the corpus's cases/: its staged copies would be cases"
            )
        check_writable_dir(workroot, "the workdir")
        targets = parse_targets(args.target or [f"inline={sys.executable}"])
        checkers = tuple(args.checker or ("mypy", "pyright"))
        versions = tuple(args.python or ("3.11",))
        check_options(checkers, targets, versions, args.timeout)  # nothing starts for a refused option
        if args.junitxml:
            check_writable_dir(args.junitxml.absolute().parent, "the --junitxml folder")
            if args.junitxml.is_dir():
                raise EngineError(f"--junitxml {args.junitxml} is a folder; name a file")
        if args.results:
            check_writable_dir(args.results.absolute(), "the --results folder")
        # The targets' interpreters answer while the corpus loads: each answer is a process start. Any
        # way out before their answers are taken (bad input, Ctrl-C, SIGTERM) kills them.
        probing = Processes()
        asking = ThreadPoolExecutor(max_workers=1)
        asked = asking.submit(preflight, targets, workroot, controlled_env(workroot), probing)
        asking.shutdown(wait=False)
        try:
            # The rest of the engine is imported while they answer: a third of its start-up.
            from .corpus import load_corpus

            plan = Plan(
                corpus=load_corpus(args.corpus, args.select, parse_cache=workroot / "parsed.json"),
                checkers=checkers,
                targets=targets,
                python_versions=versions,
                workroot=workroot,
                timeout=args.timeout,
                reuse=args.reuse,
                strict_divergences=args.strict_divergences,
            )
            baseline = None
            if args.compare:
                # The CI and results writers are imported where an option asks for them: XML and JSON
                # writing are a tenth of the engine's start-up, and most runs write neither.
                from .output import results

                baseline = results.load(args.compare)
            interpreters = asked.result()
        except BaseException:
            probing.cancel()
            raise
    except EngineError as exc:
        err(escape.line(f"error: {exc}"))  # bad input is one line, whatever the names in it hold
        return 2
    from .engine.run import judged, run_plan, summarize
    from .output.groups import improvements
    from .output.terminal import progress_printer, render_failures, render_improvements, render_matrix, summary_line

    for name, interp in interpreters.items():
        err(describe(name, interp))
    outcomes = run_plan(plan, interpreters, progress=progress_printer(), say=err)
    if args.matrix:
        out(render_matrix(plan, outcomes) + "\n")
    failures = [
        p for o in outcomes.values() for v in o.verdicts.values() if v.outcome is Outcome.FAIL for p in v.problems
    ]
    defined = _definitions(plan, outcomes, interpreters) if failures or improvements(plan, outcomes) else {}
    cwd = Path.cwd()
    if failures:
        out(render_failures(plan, outcomes, cwd, defined, verbose=args.verbose) + "\n")
    if notices := render_improvements(plan, outcomes):
        out(notices)
    broken = [o for o in outcomes.values() if o.error is not None]
    for outcome in broken:
        err(f"error: {outcome.error}\n")
    for reason in dict.fromkeys(o.unsupported for o in outcomes.values() if o.unsupported):
        keys = ", ".join(str(o.key) for o in outcomes.values() if o.unsupported == reason)
        out(f"unsupported: {keys}: {escape.line(reason)}")
    counts = summarize(outcomes)
    failed = counts[Outcome.FAIL]
    out(summary_line(counts, len(broken), len(outcomes)))
    nothing = not broken and judged(outcomes) == 0
    if nothing:
        err("error: nothing was judged: every cell was skipped or unsupported")
    if args.junitxml:
        from .output import ci

        atomic_write(args.junitxml, ci.junit(plan, outcomes))
    if args.github_annotations:
        from .output import ci

        for annotation in ci.github_annotations(plan, outcomes, cwd, defined):
            print(annotation)  # the engine's own workflow commands, their data escaped by ci
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        from .output import ci

        line = summary_line(counts, len(broken), len(outcomes))
        ci.append_step_summary(Path(summary), plan, outcomes, line, defined)
    changed = False
    if args.results or baseline is not None:
        from .output import results

        docs = results.collect(plan, outcomes)
        if args.results:
            results.write(args.results, docs)
        if baseline is not None:
            changes = results.diff(baseline, docs)
            out(f"\n{len(changes)} cells differ from {args.compare}" + (":" if changes else ""))
            out("\n".join(f"  {escape.line(c)}" for c in changes))
            changed = bool(changes)
    return 1 if failed or broken or changed or nothing else 0


def _definitions(
    plan: Plan, outcomes: dict[RunKey, RunOutcome], interpreters: dict[str, Interpreter]
) -> dict[str, dict[str, Definition]]:
    """Where each inline target defines the APIs the failed or improved lines use, as its interpreter says.

    Not for a target with our stubs: there the types come from our .pyi files, not from the module the
    interpreter imports, so its definition is not what the checkers read."""
    from .host.interpreter import definitions
    from .output.groups import findings, improvements

    wanted: dict[str, set[str]] = {}
    for f in findings(plan, outcomes):
        if f.api is not None:
            wanted.setdefault(f.key.target, set()).add(f.api)
    for i in improvements(plan, outcomes):
        for target in i.targets:
            wanted.setdefault(target, set()).update(i.apis)
    env = controlled_env(plan.workroot)
    return {
        target: definitions(interpreters[target].executable, sorted(names), env, plan.workroot)
        for target, names in wanted.items()
        if TARGET_FINGERPRINTS[target] == "inline"
    }


def cli() -> None:
    """The console script: after an interrupt, leave at once (a worker may still be hashing a large tree)."""
    code = main()
    if code in (130, 143):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    cli()
