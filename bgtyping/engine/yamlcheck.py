"""YAML items under a checker other than mypy: one run per group of items, a verdict per line.

mypy's verdict on an item is pytest-mypy-plugins' (yamlrun). Other checkers print other messages, so
an item's expected output is read as claims about lines:

- a line with an expected error must get at least one error; where the mypy code in brackets names
  kinds of our vocabulary, the checker's codes on that line must be among those kinds' codes;
- a line without an expected error must get none;
- `Revealed type is "T"` must match the type the checker reveals on that line, both read into one
  spelling (reveal.canonical).

What cannot be compared (a revealed type the reader cannot read, `regex`, `expect_fail`, a file outside
the item's folder) is never a pass: the item fails, unless its `bgtyping: not-comparable:` key names the
checker with a reason; such a cell is counted by that reason, and is a failure again once the item
would pass (the entry is stale).
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import checkers
from ..checkers.mypy import CODES as MYPY_CODES
from ..checkers.protocol import RunSpec, TypeChecker
from ..corpus.yamlfile import diverge_comments
from ..host.hermetic import controlled_env
from ..model import CHECKER_NAMES, Diagnostic, Divergence, EngineError, RunKey
from . import yamlrun
from .execute import execute
from .health import health
from .reveal import canonical

_CODE = re.compile(r"\s\[(?P<code>[\w-]+)\]$")
_REVEALED = re.compile(r'^Revealed type is "(?P<type>.*)"$')
# mypy files many unrelated errors under `misc`: it says nothing about which kind an error is.
_UNSPECIFIC = frozenset({"misc"})
_MAIN = "bgtyping_item_"  # a batched item's main module; unique, and a name no message needs to keep

PASS = "pass"
FAIL = "fail"
NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True)
class Miss:
    """One claim a checker did not meet, at a line of one of the item's files (`fname` empty: the item)."""

    fname: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.fname}:{self.line}: {self.message}" if self.fname else self.message


@dataclass
class Cell:
    """One item under one checker."""

    item: yamlrun.Item
    checker: str
    outcome: str = FAIL
    problems: list[Miss] = field(default_factory=list["Miss"])
    reason: str = ""  # why it is not comparable (the case's own words)
    divergences: tuple[str, ...] = ()  # the known divergences its pass rests on


@dataclass(frozen=True)
class Where:
    """A staged file of an item: which item, and the name its expected output gives the file."""

    item: int
    fname: str


def checkers_from(values: Sequence[str] | None, flag: str = "--checker") -> list[str]:
    """`--checker` / `--bgtyping-checker` values: names, comma lists or `all`, in order, each once."""
    names = [n.strip() for v in values or ["mypy"] for n in v.split(",") if n.strip()]
    for name in names:  # before `all`: a typo beside it is still a typo
        if name not in CHECKER_NAMES and name != "all":
            raise EngineError(f"{flag} {name}: unknown; known: {', '.join(CHECKER_NAMES)}, all")
    if "all" in names:
        return list(CHECKER_NAMES)
    if not names:
        raise EngineError(f"{flag} needs a name")
    return list(dict.fromkeys(names))


def kind_codes(checker: TypeChecker, mypy_code: str) -> frozenset[str] | None:
    """The codes `checker` may report for an error mypy files under `mypy_code`; None when it does not say."""
    if mypy_code in _UNSPECIFIC:
        return None
    kinds = [kind for kind, codes in MYPY_CODES.items() if mypy_code in codes]
    if not kinds:
        return None
    return frozenset(code for kind in kinds for code in checker.codes[kind])


def not_comparable(item: yamlrun.Item) -> list[Miss]:
    """What in the item cannot be judged line by line under any checker but mypy."""
    found: list[Miss] = []
    if item.expect_fail:
        found.append(Miss("", 0, "expect_fail: its expected output is wrong on purpose"))
    for file in item.files[1:]:
        if yamlrun.outside_folder(file.path):
            found.append(Miss("", 0, f"its file {file.path} lies outside its folder"))
        elif file.path in RUN_FILES:
            found.append(Miss("", 0, f"its file {file.path} is where the checkers' run keeps its configuration"))
    for matcher in item.expected_output:
        if matcher.regex and matcher.severity == "error":
            continue  # an error line is an error line, whatever its message
        if matcher.regex and _REVEALED.match(matcher.message.replace("\\", "")):
            found.append(Miss(matcher.fname, matcher.lnum, "a revealed type given as a regex"))
    return found


def diverging(item: yamlrun.Item) -> dict[tuple[str, int], tuple[str, ...]]:
    """The divergences each line of the item names."""
    return diverge_comments((f.path, f.content) for f in item.files)


def check_divergences(found: Sequence[yamlrun.Item], divergences: Mapping[str, Divergence]) -> None:
    """Every divergence a YAML line names is in the registry: an unknown one would be a silent no-op."""
    for item in found:
        for (fname, line), ids in diverging(item).items():
            for ident in ids:
                if ident not in divergences:
                    known = "none loaded (--divergences FILE)" if not divergences else f"{len(divergences)} known"
                    raise EngineError(
                        f"case {item.case.id!r}: {fname}:{line} names divergence [{ident}], which is not in the "
                        f"registry ({known})",
                        path=item.case.path,
                        line=item.case.line,
                    )


def judge(
    item: yamlrun.Item,
    checker: TypeChecker,
    diagnostics: Mapping[str, Sequence[Diagnostic]],
    divergences: Mapping[str, Divergence] | None = None,
    target: str | None = None,
) -> tuple[list[Miss], list[Miss], tuple[str, ...]]:
    """(problems, what could not be compared, the divergences that applied) for one item.

    `diagnostics` by the item's file names."""
    problems: list[Miss] = []
    used: list[str] = []
    unreadable: list[Miss] = not_comparable(item)
    errors: dict[tuple[str, int], list[Diagnostic]] = defaultdict(list)
    reveals: dict[tuple[str, int], list[str]] = defaultdict(list)
    for fname, diags in diagnostics.items():
        for diag in diags:
            if diag.severity == "error" and diag.code not in checker.bare_reveal_codes:
                errors[(fname, diag.line)].append(diag)
            elif (shown := checker.revealed(diag)) is not None:
                reveals[(fname, diag.line)].append(shown)
    claimed: dict[tuple[str, int], list[str]] = defaultdict(list)
    revealed: dict[tuple[str, int], list[str]] = defaultdict(list)
    for matcher in item.expected_output:
        where = (matcher.fname, matcher.lnum)
        if matcher.severity == "error":
            code = _CODE.search(matcher.message)
            claimed[where].append(code["code"] if code else "")
        elif matcher.severity == "note" and not matcher.regex and (m := _REVEALED.match(matcher.message)):
            revealed[where].append(m["type"])
    named = diverging(item)
    for where in sorted(set(claimed) | set(errors) | set(named)):
        got = errors.get(where, [])
        known = [
            divergences[d]
            for d in named.get(where, ())
            if divergences
            and checker.name in divergences[d].reports
            and (target is None or target in divergences[d].targets)
        ]
        if known:
            # The registry says what this checker reports here instead of the truth, as for a `.py` case line.
            expected = frozenset[str]().union(*(d.reports[checker.name] for d in known))
            codes = frozenset(d.code for d in got)
            ids = ", ".join(d.id for d in known)
            if codes == expected:
                used.extend(d.id for d in known)
                continue
            if got and where in claimed and not expected:
                problems.append(
                    Miss(
                        *where,
                        f"now reports an error as claimed; the known divergence [{ids}] no longer reproduces "
                        f"with this {checker.name} version",
                    )
                )
            else:
                shown = "; ".join(f"{d.code or '-'} {d.message}" for d in got) or "no error"
                reports = "+".join(sorted(expected)) or "no error"
                problems.append(Miss(*where, f"expected {reports} (known divergence [{ids}]), got {shown}"))
            continue
        if where not in claimed and not got:
            continue
        if where not in claimed:
            problems.extend(Miss(*where, f"unexpected error {d.code or '-'} {d.message}") for d in got)
            continue
        if not got:
            named_codes = ", ".join(c for c in claimed[where] if c) or "no code"
            problems.append(Miss(*where, f"expected an error (mypy: {named_codes}), got none"))
            continue
        allowed: set[str] = set()
        for mypy_code in claimed[where]:
            kinds = kind_codes(checker, mypy_code)
            if kinds is None:
                break
            allowed |= kinds
        else:
            for diag in got:
                if diag.code not in allowed:
                    problems.append(
                        Miss(
                            *where,
                            f"error {diag.code or '-'} is not what mypy's [{', '.join(claimed[where])}] means "
                            f"(expected one of {', '.join(sorted(allowed))}): {diag.message}",
                        )
                    )
    for where in sorted(revealed):
        printed = reveals.get(where, [])
        if not printed:
            problems.append(Miss(*where, f"expected a revealed type ({', '.join(revealed[where])}), got none"))
            continue
        want = [canonical(t) for t in revealed[where]]
        have = [canonical(t) for t in printed]
        if None in want or None in have:
            pairs = "; ".join(f"mypy `{t}`" for t in revealed[where]) + "; " + "; ".join(f"`{t}`" for t in printed)
            unreadable.append(Miss(*where, f"a revealed type that cannot be read ({pairs})"))
            continue
        if sorted(str(w) for w in want) != sorted(str(h) for h in have):
            problems.append(
                Miss(
                    *where,
                    f"revealed type {' / '.join(printed)} is not the expected {' / '.join(revealed[where])} "
                    f"(read as {' / '.join(map(str, have))} and {' / '.join(map(str, want))})",
                )
            )
    return problems, unreadable, tuple(dict.fromkeys(used))


def verdict(
    item: yamlrun.Item,
    checker: TypeChecker,
    diagnostics: Mapping[str, Sequence[Diagnostic]],
    divergences: Mapping[str, Divergence] | None = None,
    target: str | None = None,
) -> Cell:
    cell = Cell(item, checker.name)
    problems, unreadable, used = judge(item, checker, diagnostics, divergences, target)
    declared = item.case.not_comparable.get(checker.name)
    if declared is not None:
        if problems or unreadable:
            cell.outcome, cell.reason = NOT_COMPARABLE, declared
        else:
            cell.problems = [
                Miss(
                    "",
                    0,
                    f"marked not comparable under {checker.name} ({declared}), but every claim holds: "
                    "remove the entry from its `bgtyping: not-comparable:` key",
                )
            ]
        return cell
    if problems:
        cell.problems = problems
        return cell
    if unreadable:
        cell.problems = [
            *unreadable,
            Miss(
                "",
                0,
                f"this cannot be compared under {checker.name}: say so with the case key "
                f"`bgtyping: {{not-comparable: {{{checker.name}: <why>}}}}`",
            ),
        ]
        return cell
    cell.outcome, cell.divergences = PASS, used
    return cell


# What a group's run writes beside the items' files: the configs of the checker modules and the item's mypy config.
RUN_FILES = frozenset({"mypy.ini", "pyproject.toml", "pyrefly.toml", "pyrightconfig.json", "ty.toml"})


@dataclass(frozen=True)
class Group:
    """Items checked in one run: they bring exactly the same other files (an item must not see another's)."""

    items: tuple[yamlrun.Item, ...]
    alone: bool  # its main keeps the name `main.py`


def groups(live: Sequence[yamlrun.Item], by_config: bool = True) -> list[Group]:
    """`by_config`: items with different mypy configs apart (for a checker that reads them)."""
    found: dict[tuple[object, ...], list[yamlrun.Item]] = defaultdict(list)
    alone: list[Group] = []
    for item in live:
        # Code that names its own module, or a file named like another item's main, needs `main.py`.
        if yamlrun.depends_on_main(item):
            alone.append(Group((item,), True))
            continue
        others = tuple(sorted((f.path, f.content) for f in item.files[1:]))
        found[(others, item.additional_mypy_config if by_config else "")].append(item)
    return [*(Group(tuple(g), False) for g in found.values()), *alone]


def run_checker(
    live: Sequence[yamlrun.Item],
    name: str,
    options: yamlrun.Options,
    python: Path,
    python_version: str,
    progress: Callable[[str], None] | None = None,
    divergences: Mapping[str, Divergence] | None = None,
    target: str | None = None,
) -> list[Cell]:
    """Every item under one checker other than mypy; any broken run raises EngineError (no verdicts)."""
    checker = checkers.get(name)
    env = controlled_env(options.workdir)
    planned = groups(live, by_config=checker.family == "mypy")  # zuban follows the item's mypy config
    pool = ThreadPoolExecutor(max_workers=max(1, min(options.jobs, len(planned))))
    try:
        futures = [
            pool.submit(_run_group, group, checker, options.workdir / name / f"g{n:03d}", options, python,
                        python_version, env, divergences, target)
            for n, group in enumerate(planned)
        ]  # fmt: skip
        cells = [cell for future in futures for cell in future.result()]
    except BaseException:
        yamlrun.PROCESSES.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if progress is not None:
        progress(f"{name}: {len(cells)} items in {len(planned)} runs")
    return cells


def _run_group(
    group: Group,
    checker: TypeChecker,
    folder: Path,
    options: yamlrun.Options,
    python: Path,
    python_version: str,
    env: Mapping[str, str],
    divergences: Mapping[str, Divergence] | None,
    target: str | None,
) -> list[Cell]:
    shutil.rmtree(folder, ignore_errors=True)  # fresh: a file an earlier run left would be importable
    folder.mkdir(parents=True)
    where: dict[str, Where] = {}
    checked: list[Path] = []
    for index, item in enumerate(group.items):
        main = folder / ("main.py" if group.alone else f"{_MAIN}{index:04d}.py")
        main.write_text(item.files[0].content, encoding="utf-8")
        where[str(main)] = Where(index, "main")
        checked.append(main)
    shared: set[str] = set()
    for file in (f for f in group.items[0].files[1:] if not yamlrun.outside_folder(f.path) and f.path not in RUN_FILES):
        path = folder / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file.content, encoding="utf-8")
        if path.suffix in (".py", ".pyi"):
            where[str(path)] = Where(-1, file.path.removesuffix(".py"))
            shared.add(str(path))
            checked.append(path)
    # The item's mypy config as pytest-mypy-plugins writes it, for zuban; none written means mypy's defaults.
    config = yamlrun.merged_config(group.items[0], options, folder) or folder / "mypy.ini"
    if not config.exists():
        config.write_text("[mypy]\n", encoding="utf-8")
    key = RunKey(checker.name, "yaml", python_version)
    spec = RunSpec(
        key, tuple(checked), python, python_version, folder, folder, env=env, mypy_config=config, ignore_comments=True
    )
    result = execute(checker, spec, options.timeout, yamlrun.PROCESSES).result
    broken = health(result, checked, frozenset(), folder)
    if broken:
        raise EngineError(f"{checker.name} over {len(group.items)} YAML items cannot be trusted: " + "; ".join(broken))
    by_item: dict[int, dict[str, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))
    for diag in result.diagnostics:
        owner = where.get(diag.path)
        if owner is None:
            continue  # health() refused errors outside the staged files; a note there says nothing
        for index in range(len(group.items)) if diag.path in shared else (owner.item,):
            by_item[index][owner.fname].append(diag)
    return [verdict(item, checker, by_item[index], divergences, target) for index, item in enumerate(group.items)]
