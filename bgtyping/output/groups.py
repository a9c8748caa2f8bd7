"""Failures grouped by what broke, in words for the maintainer of the library under test.

A regression in one signature (add_task untyped) fails every call the corpus claims about it, under every
checker: hundreds of lines that say one thing. Each failed line is attributed to the API it uses (read from
the case, corpus/calls.py) and to what it shows (accepted, rejected, ...; judge.py); a group is one API and
one such kind, counted in distinct calls and cases, with a few example calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus.calls import apis
from ..host.interpreter import Definition
from ..model import Case, Divergence, Outcome, Plan, RunKey, RunOutcome

# The kinds that are about the task's arguments: when only these break, the signature stopped checking them.
_ARGUMENT_KINDS = frozenset(
    {"arg-type", "missing-arg", "too-many-pos", "unknown-kw", "dup-arg", "kw-only-as-pos", "pos-only-as-kw",
     "func-collision", "self-collision", "not-callable"}
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One failed line of one case under one run, in words a reader can act on."""

    case: Case
    key: RunKey
    line: int
    call: str
    said: str
    broke: str = "changed"  # a key of model.BREAKS
    api: str | None = None  # the API under test the line uses, as the case names it


def source_lines(case: Case) -> list[str]:
    # Lines as Python counts them (the loader refuses a lone CR): not str.splitlines(), which also ends a
    # line at \x0c, \x85 or U+2028 inside a string.
    return case.data.decode("utf-8-sig").split("\n")


def call_at(lines: list[str], line: int) -> str:
    return lines[line - 1].split("  #")[0].strip() if 0 < line <= len(lines) else ""


def findings(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> Iterator[Finding]:
    cases = {c.id: c for c in plan.corpus.every_case}
    for key in plan.run_keys():
        for verdict in outcomes[key].verdicts.values():
            if verdict.outcome is not Outcome.FAIL:
                continue
            case = cases[verdict.case]
            lines, used = source_lines(case), apis(case)
            for problem in verdict.problems:
                line = problem.line
                yield Finding(case, key, line, call_at(lines, line), problem.message, problem.broke, used.get(line))


def in_checkout(path: Path, cwd: Path) -> str | None:
    """`path` relative to `cwd` if it is part of the checkout there: inside it, and not inside an installed
    environment (a venv, site-packages) that happens to live in it. None otherwise."""
    try:
        rel = path.resolve().relative_to(cwd.resolve())
    except (ValueError, OSError):
        return None
    if any(part in ("site-packages", "dist-packages") for part in rel.parts):
        return None
    folder = cwd.resolve()
    for part in rel.parts[:-1]:
        folder = folder / part
        if (folder / "pyvenv.cfg").is_file():
            return None
    return str(rel)


def _and(words: Iterable[str]) -> str:
    items = list(dict.fromkeys(words))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _counted(counter: Counter[str]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class Group:
    """Failed lines that use one API and show one kind of breakage."""

    api: str | None  # the defining qualname where the target told us, else as the case names it
    broke: str
    definition: Definition | None = None
    found: list[Finding] = field(default_factory=list[Finding])

    @property
    def label(self) -> str:
        if self.api is None:
            return "Lines that use no API under test"
        member = self.api.rpartition(".")[2]
        return self.api if member in ("add_task", "__init__") else f"{self.api}'s attributes"

    @property
    def short(self) -> str:
        """The label without its module: for a title."""
        if self.api is None:
            return "Other lines"
        parts = self.api.split(".")
        member = parts[-1]
        if member in ("add_task", "__init__"):
            return ".".join(parts[-2:])
        return f"{member}'s attributes"

    def calls(self) -> dict[tuple[str, int], list[Finding]]:
        """Distinct (case, line), each with its findings (one per checker and Python version)."""
        by: dict[tuple[str, int], list[Finding]] = {}
        for f in self.found:
            by.setdefault((f.case.id, f.line), []).append(f)
        return by

    def _kinds(self) -> Counter[str]:
        kinds: Counter[str] = Counter()
        for fs in self.calls().values():
            spec = fs[0].case.lines.get(fs[0].line)
            kinds.update(sorted(spec.kinds) if spec and spec.kinds else ["must pass"])
        return kinds

    @property
    def _callable(self) -> bool:
        return self.api is not None and self.api.rpartition(".")[2] in ("add_task", "__init__")

    @property
    def verb(self) -> str:
        """What broke, said of the API (or, for lines that use none, of those lines)."""
        if self.broke == "accepted" and self._callable and set(self._kinds()) <= _ARGUMENT_KINDS:
            return "no longer checks task arguments"
        one = self.api is not None
        return {
            "accepted": "accepts what it must reject" if one else "accept what they must reject",
            "rejected": "rejects what it must accept" if one else "reject what they must accept",
            "changed": "gets other errors than claimed" if one else "get other errors than claimed",
            "stale": "changed what a checker sees",
            "improved": "improved past a recorded divergence",
            "idle": "names a divergence that changes nothing" if one else "name a divergence that changes nothing",
        }.get(self.broke, "fails" if one else "fail")

    @property
    def detail(self) -> str:
        """How many calls show it, of which claimed kinds."""
        n = len(self.calls())
        noun = _plural(n, "call" if self._callable else "line")
        are, claimed = ("is" if n == 1 else "are"), f" ({_counted(self._kinds())})"
        return {
            "accepted": f"{noun} that must be rejected {are} accepted{claimed}",
            "rejected": f"{noun} that must be accepted {are} rejected",
            "changed": f"{noun}{claimed}",
            "stale": f"on {noun} a recorded checker divergence no longer reproduces",
            "improved": f"on {noun} a recorded divergence of the target no longer reproduces (strict: retire it)",
            "idle": f"{noun} name a divergence whose reports equal the claim",
        }.get(self.broke, noun)

    @property
    def title(self) -> str:
        """One short sentence: what broke, without the counts."""
        return f"{self.short} {self.verb}"

    def headline(self, cwd: Path | None = None) -> str:
        cases = {f.case.id for f in self.found}
        where = ""
        if self.definition is not None and cwd is not None:
            rel = in_checkout(self.definition.file, cwd)
            where = f" (defined at {rel}:{self.definition.line})" if rel else ""
        return (
            f"{self.label}{where} {self.verb}: {self.detail}, across {_plural(len(cases), 'case')}; "
            f"under {_and(f.key.checker for f in self.found)}"
        )

    def examples(self, limit: int = 3) -> list[list[Finding]]:
        """A few distinct calls, from as many different cases as there are."""
        calls = list(self.calls().values())
        picked: list[list[Finding]] = []
        seen: set[str] = set()
        for fs in calls:
            if len(picked) < limit and fs[0].case.id not in seen:
                picked.append(fs)
                seen.add(fs[0].case.id)
        for fs in calls:
            if len(picked) < limit and fs not in picked:
                picked.append(fs)
        return picked


def group(found: Iterable[Finding], definitions: Mapping[str, Mapping[str, Definition]] | None = None) -> list[Group]:
    """Largest group first; `definitions` are per target, by the API names the cases use."""
    groups: dict[tuple[str | None, str], Group] = {}
    for f in found:
        definition = (definitions or {}).get(f.key.target, {}).get(f.api) if f.api else None
        api = definition.qualname if definition is not None else f.api
        g = groups.setdefault((api, f.broke), Group(api, f.broke, definition))
        g.found.append(f)
    return sorted(groups.values(), key=lambda g: (-len(g.calls()), g.label, g.broke))


def example_line(fs: list[Finding], corpus_path: str, width: int = 150) -> str:
    """One example call with the first thing each checker said about it, each cut to `width` characters."""
    first: dict[str, str] = {}
    # What differs says more than an error the line does claim: such a problem is shown only if it is all.
    for f in sorted(fs, key=lambda f: "  [expected; " in f.said):
        first.setdefault(f.key.checker, f.said if len(f.said) <= width else f.said[: width - 3] + "...")
    said = "; ".join(f"{checker}: {text}" for checker, text in first.items())
    return f"{fs[0].call}  [{corpus_path}:{fs[0].line}; {said}]"


@dataclass(frozen=True)
class Improvement:
    """A recorded divergence of the target's typing that no longer reproduces: the library improved."""

    divergence: Divergence
    checkers: tuple[str, ...]
    lines: tuple[tuple[str, int], ...]  # (case id, line)
    apis: tuple[str, ...]  # the APIs under test those lines use, as the cases name them
    targets: tuple[str, ...]

    def message(self) -> str:
        cases = _and(sorted({c for c, _ in self.lines}))
        owners = _and(sorted({api.partition(".")[0] for api in self.apis})) if self.apis else "the target"
        return (
            f"{owners}'s own typing improved: {_and(self.checkers)} now "
            f"{'type-checks' if len(self.checkers) == 1 else 'type-check'} "
            f"{_plural(len(self.lines), 'line')} of {cases} as the runtime behaves, so the recorded divergence "
            f"[{self.divergence.id}] no longer reproduces. The entry can be retired: tell the bgtyping maintainers "
            f"(it recorded: {self.divergence.reason})"
        )


def improvements(plan: Plan, outcomes: Mapping[RunKey, RunOutcome]) -> list[Improvement]:
    cases = {c.id: c for c in plan.corpus.every_case}
    by: dict[str, tuple[list[str], list[tuple[str, int]], list[str], list[str]]] = {}
    for key in plan.run_keys():
        outcome = outcomes[key]
        if outcome.error is not None:
            continue
        for verdict in outcome.verdicts.values():
            for ident, line in verdict.improved:
                checkers, lines, used, targets = by.setdefault(ident, ([], [], [], []))
                case = cases[verdict.case]
                checkers.append(key.checker)
                targets.append(key.target)
                lines.append((case.id, line))
                if (api := apis(case).get(line)) is not None:
                    used.append(api)
    return [
        Improvement(
            plan.corpus.divergences[ident],
            tuple(dict.fromkeys(c)),
            tuple(dict.fromkeys(ls)),
            tuple(dict.fromkeys(a)),
            tuple(dict.fromkeys(t)),
        )
        for ident, (c, ls, a, t) in by.items()
    ]
