"""Results files diff cleanly, and the HTML page shows every cell in a real headless browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bgtyping.corpus.divergences import load_divergences
from bgtyping.model import CHECKER_NAMES
from bgtyping.output import page, report, results

from .support import ROOT

RESULTS = ROOT / "results"
BROWSER_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def test_committed_results_round_trip() -> None:
    docs = results.load(RESULTS)
    assert set(docs) == {"mypy", "pyright", "basedpyright", "pyrefly", "ty", "zuban"}
    for checker, doc in docs.items():
        assert (RESULTS / f"{checker}.json").read_text(encoding="utf-8") == results.dump(doc)
        assert doc["version"]


def test_diff_names_each_changed_cell() -> None:
    docs = results.load(RESULTS)
    changed = results.load(RESULTS)
    cases = changed["mypy"]["cases"]
    case = sorted(cases)[0]
    cells = cases[case]["cells"]
    key = sorted(cells)[0]
    cells[key] = {"verdict": "fail"}
    changed["ty"]["version"] = "ty 9.9.9"
    assert results.diff(docs, docs) == []
    diff = results.diff(docs, changed)
    assert f"{case} [mypy {key}]: {docs['mypy']['cases'][case]['cells'][key]['verdict']} -> fail" in diff
    assert any(line.startswith("ty: version") for line in diff)


def test_report_check_detects_stale_files(tmp_path: Path) -> None:
    md, page = tmp_path / "R.md", tmp_path / "r.html"
    args = ["--results", str(RESULTS), "--markdown", str(md), "--html", str(page)]
    assert report.main([*args, "--check"]) == 1
    assert report.main(args) == 0
    assert report.main([*args, "--check"]) == 0
    assert "| mypy | mypy 2.4.1" in md.read_text(encoding="utf-8")


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("BGTYPING_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (BGTYPING_REQUIRE_BROWSER is set) but is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium); CI requires it")
    return found


YAML_CASE = "typing_tests/yaml/test_uneven.yml::only_mypy"
OFF = {"divergent", "fail", "broken"}


def _tally(docs: dict[str, results.Document]) -> dict[str, Counter[str]]:
    return {
        c: Counter(cell["verdict"] for e in d["cases"].values() for cell in e["cells"].values())
        for c, d in docs.items()
    }


def _uneven() -> dict[str, results.Document]:
    """The committed results, but ty's file lacks one case and holds one the others do not."""
    docs = results.load(RESULTS)
    cases = docs["ty"]["cases"]
    dropped = sorted(cases)[0]
    extra = cases[sorted(cases)[1]]
    del cases[dropped]
    messages, cells = extra["messages"], extra["cells"]
    claim = "Only ty's file holds this case."
    cases["check_only_in_ty"] = {"group": extra["group"], "claim": claim, "messages": messages, "cells": cells}
    claim = "A YAML case, in mypy's file only."
    docs["mypy"]["cases"][YAML_CASE] = {"group": "yaml", "claim": claim, "messages": messages, "cells": cells}
    return docs


def test_the_report_renders_the_union_of_cases_and_both_formats_count_alike() -> None:
    docs = _uneven()
    dropped = sorted(results.load(RESULTS)["ty"]["cases"])[0]
    md, page = report.markdown(docs), report.page(docs)
    assert "check_only_in_ty" in md
    assert "check_only_in_ty" in page
    row = next(line for line in md.splitlines() if line.startswith(f"| `{dropped}`"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[1 + CHECKER_NAMES.index("ty")] == report.ABSENT  # shown as absent, not dropped
    assert cells.count(report.ABSENT) == 1
    tally = _tally(docs)
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0] in docs:  # a row of the Markdown summary table
            for verdict, count in zip(report.VERDICTS, cells[2:], strict=True):
                assert int(count) == tally[cells[0]][verdict], (cells[0], verdict)


@pytest.mark.parametrize("broken", ["messages", "cases", "unhashable verdict", "nesting", "surrogate", "checker name"])
def test_a_results_file_with_a_missing_field_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    from bgtyping.cli import main

    folder = tmp_path / "results"
    folder.mkdir()
    text = (RESULTS / "mypy.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    first = doc["cases"][sorted(doc["cases"])[0]]
    name = "mypy.json"
    if broken == "messages":
        del first["messages"]
    elif broken == "cases":
        doc["cases"] = {"x": 1}
    elif broken == "unhashable verdict":
        first["cells"][sorted(first["cells"])[0]] = {"verdict": []}
    elif broken == "surrogate":
        first["claim"] = "\ud800"
    elif broken == "checker name":
        doc["checker"], name = "a|b", "a|b.json"
    text = json.dumps(doc) if broken != "nesting" else "[" * 100_000 + "]" * 100_000
    (folder / name).write_text(text, encoding="utf-8")
    assert main(["--compare", str(folder), "--checker=mypy", f"--workdir={tmp_path / 'w'}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("error: ")
    assert ".json" in err
    assert "Traceback" not in err
    assert report.main(["--results", str(folder), "--markdown", str(tmp_path / "R.md")]) == 2


def test_the_page_keeps_its_size_budget_with_the_yaml_cases_to_come() -> None:
    """400 KB with 35 more cases than today (the YAML files), each with messages of its own."""
    docs = results.load(RESULTS)
    mypy = docs["mypy"]["cases"]
    for i, case in enumerate(sorted(mypy)[:35]):
        entry = json.loads(json.dumps(mypy[case]))
        entry["messages"] = {k: f"{v} (yaml copy {i})" for k, v in entry["messages"].items()}
        mypy[f"typing_tests/yaml/test_more.yml::case_{i}"] = entry
    assert len(report.page(docs, load_divergences(DIVERGENCES)).encode()) <= 400_000


def test_a_line_is_off_where_a_checker_reports_otherwise_than_the_passing_cells() -> None:
    """`self=` collides with the bound self (lines 18 and 19): mypy, pyright, basedpyright and zuban report nothing."""
    docs = results.load(RESULTS)
    checkers, _ = results.layout(docs)
    strings = page.Strings()
    table = page.case_table(docs, checkers, "check_ctor_param_named_self", strings)
    rows, problems, ran = json.loads(json.dumps(table))
    assert problems == []
    assert ran == [1] * 6
    off = {row[0]: row for row in rows if row[2]}
    assert set(off) == {18, 19}
    for line, claim, _, reports in off.values():
        assert claim == 1, line
        silent = [c for c, r in zip(checkers, reports, strict=True) if r == [1, []]]
        assert silent == ["mypy", "pyright", "basedpyright", "zuban"], line
        off_flag, (_, code, message, *_) = reports[checkers.index("pyrefly")]
        assert off_flag == 0, line
        assert strings.texts[code] == "bad-keyword-argument", line
        assert "self" in strings.texts[message], line
    assert not any(row[2] for row in rows if row[0] == 15)


def test_a_case_is_yaml_by_its_path() -> None:
    assert [page.kind(c) for c in ("check_a", "yaml/t.yml::x", "t.yaml", "yaml/t.yml", "check_yml")] == [
        "py", "yaml", "yaml", "yaml", "py",
    ]  # fmt: skip


DIVERGENCES = ROOT / "typing_tests" / "divergences.toml"
# Run in the browser after the page's own script: each filter clicked, one case opened, what shows recorded.
DRIVER = """
<script>
(() => {
  const q = s => document.querySelector(s);
  const rows = t => [...document.querySelectorAll(`#${t} tr[data-case]`)]
    .filter(r => !r.hidden).map(r => r.dataset.case);
  const columns = t => [...new Set([...document.querySelectorAll(`#${t} tr[data-case] > td[data-checker]`)]
    .filter(td => !td.hidden).map(td => td.dataset.checker))];
  const both = () => ({disagree: rows('disagree'), grid: rows('grid'), columns: columns('grid'),
    disagreeColumns: columns('disagree'), shown: q('#grid-shown').textContent,
    divergences: [...document.querySelectorAll('#divergences + dl > div')].filter(d => !d.hidden)
      .map(d => d.querySelector('dt').id.slice(4))});
  const click = s => q(s).click();
  const out = {ready: document.body.dataset.ready, start: both()};
  click('#filters input[name=np]'); out.np = both(); click('#filters input[name=np]');
  click('#filters input[name=checker][value=ty]'); out.ty = both();
  click('#filters input[name=np]'); out.tyNp = both(); click('#filters input[name=np]');
  click('#filters input[name=checker][value=""]');
  click('#filters input[name=group][value=api]'); out.api = both(); click('#filters input[name=group][value=""]');
  click('#filters input[name=kind][value=yaml]'); out.yaml = both();
  click('#filters input[name=kind][value=py]'); out.py = both(); click('#filters input[name=kind][value=""]');
  out.reset = both();
  click('#summary a[data-show=zuban]'); out.zuban = both();
  click('#filters input[name=np]'); click('#filters input[name=checker][value=""]'); out.back = both();
  out.details = {};
  for (const b of document.querySelectorAll('#disagree button.case')) {
    b.click();
    const more = b.closest('tr').nextElementSibling;
    out.details[b.textContent] = {
      text: more.textContent,
      lines: [...more.querySelectorAll('table.lines tbody tr')].map(tr => [...tr.cells].map(td =>
        [td.dataset.checker || '', td.classList.contains('off'), td.textContent])),
    };
    b.click();
    out.closed = !b.closest('tr').nextElementSibling?.classList.contains('more');
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
})();
</script>
"""


class _Dom(HTMLParser):
    """What the rendered page holds: the summary counts, the grid's marks, the disagreement rows, the probe."""

    def __init__(self) -> None:
        super().__init__()
        self.summary: dict[tuple[str, str], str] = {}
        self.marks: dict[tuple[str, str], Counter[str]] = {}
        self.standings: dict[str, dict[str, str]] = {}
        self.links: dict[str, list[tuple[str, str]]] = {}
        self.probe = ""
        self._table: str | None = None
        self._row: tuple[str, str | None] | None = None
        self._checker: str | None = None
        self._verdict: str | None = None
        self._in_probe = False
        self._anchor: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id")
        elif tag == "tr":
            self._row = (str(a.get("data-case") or a.get("data-checker") or ""), a.get("data-case"))
        elif tag == "td":
            self._checker, self._verdict = a.get("data-checker"), a.get("data-verdict")
            row = self._row[0] if self._row else ""
            if self._table == "disagree" and self._checker and self._verdict:
                self.standings.setdefault(row, {})[self._checker] = self._verdict
        elif tag == "i" and self._table == "grid" and self._row and self._checker and a.get("data-v"):
            found = self.marks.setdefault((self._row[0], self._checker), Counter())
            found[str(a["data-v"])] += int(a.get("data-n") or 1)
        elif tag == "a" and self._table == "disagree" and self._row:
            self._anchor = str(a.get("href"))
        elif tag == "pre" and a.get("id") == "probe":
            self._in_probe = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._checker = self._verdict = None
        if tag == "pre":
            self._in_probe = False
        if tag == "a":
            self._anchor = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._in_probe:
            self.probe += data
        elif self._table == "summary" and self._row and self._verdict:
            self.summary[(self._row[0], self._verdict)] = data.strip()
        elif self._anchor and self._row:
            self.links.setdefault(self._row[0], []).append((data, self._anchor))


def _in_browser(tmp_path: Path, html: str) -> _Dom:
    browser = _browser()
    path = tmp_path / "index.html"
    path.write_text(html.replace("</body>", DRIVER + "</body>"), encoding="utf-8")
    proc = subprocess.run(
        [browser, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = _Dom()
    dom.feed(proc.stdout)
    assert dom.probe, "the page's script or the driver did not run: " + proc.stderr[-2000:]
    return dom


def _worst(entry: results.CaseEntry | None) -> str:
    verdicts = {c["verdict"] for c in entry["cells"].values()} if entry else {"absent"}
    return next((v for v in ("broken", "fail", "divergent", "pass") if v in verdicts), min(verdicts))


@pytest.mark.parametrize("which", ["committed", "uneven"])
def test_the_page_in_a_headless_browser(tmp_path: Path, which: str) -> None:
    docs = results.load(RESULTS) if which == "committed" else _uneven()
    divergences = load_divergences(DIVERGENCES)
    dom = _in_browser(tmp_path, report.page(docs, divergences))
    probe = json.loads(dom.probe)
    assert probe["ready"] == "yes"
    cases = sorted({case for doc in docs.values() for case in doc["cases"]})
    entry = {(case, c): d["cases"].get(case) for case in cases for c, d in docs.items()}
    checkers = [c for c in CHECKER_NAMES if c in docs]

    # the counts read back: every mark of the grid, and the summary the page computed from them
    for checker, tally in _tally(docs).items():
        for verdict in report.VERDICTS:
            assert dom.summary[(checker, verdict)] == str(tally[verdict]), (checker, verdict)
    for case in cases:
        for checker in checkers:
            found = entry[(case, checker)]
            expected = Counter(c["verdict"] for c in found["cells"].values()) if found else Counter[str]()
            assert dom.marks.get((case, checker), Counter()) == expected, (case, checker)

    # the disagreement view: exactly the cases some checker is off the claim in, each checker's worst verdict,
    # and each divergence the cells name, linked to its upstream issue
    off = [case for case in cases if any(_worst(entry[(case, c)]) in {"divergent", "fail"} for c in checkers)]
    assert sorted(probe["start"]["disagree"]) == off
    assert off
    assert sorted(dom.standings) == off
    for case in off:
        assert dom.standings[case] == {c: _worst(entry[(case, c)]) for c in checkers}, case
        named = {d for e in (entry[(case, c)] for c in checkers) if e for cell in e["cells"].values()
                 for d in cell.get("divergences", [])}  # fmt: skip
        links = dom.links[case]
        assert {text for text, href in links if href.startswith("#div-")} == named, case
        assert {href for text, href in links if text == "↗"} == {divergences[d].issue for d in named}, case

    # what each checker said on the lines that differ, from the embedded table
    assert sorted(probe["details"]) == off
    assert probe["closed"]
    shown = 0
    for case in off:
        detail = probe["details"][case]
        claim = next(d["cases"][case]["claim"] for d in docs.values() if case in d["cases"])
        assert f"Claim, proven at run time: {claim}" in detail["text"], case
        for d in {text for text, href in dom.links[case] if href.startswith("#div-")}:
            assert divergences[d].reason in detail["text"], (case, d)
        shown += len(detail["lines"])
        for row in detail["lines"]:
            line = row[0][2]
            assert any(is_off for _, is_off, _ in row[2:]), (case, line)  # only the lines that differ
            for checker, _, text in row[2:]:
                found = entry[(case, checker)]
                if found is None:
                    continue
                names = {n for cell in found["cells"].values() for n in cell.get("diagnostics", [])
                         if n.startswith(f"{line}:")}  # fmt: skip
                for name in names:
                    assert found["messages"][name] in text, (case, checker, name)
                if not names:
                    assert text in ("nothing", "n/a"), (case, checker, line, text)

    assert shown >= len(off)  # most cases have lines that differ (a few, where all checkers agree, none)

    # the filters
    every = sorted(probe["start"]["grid"])
    assert every == cases
    assert probe["reset"]["grid"] == probe["start"]["grid"]
    assert probe["start"]["columns"] == checkers
    some_off = [case for case in cases if any(_worst(entry[(case, c)]) in OFF for c in checkers)]
    assert sorted(probe["np"]["grid"]) == some_off
    assert probe["np"]["shown"] == f"{len(some_off)} of {len(cases)} cases shown"
    assert probe["ty"]["columns"] == ["ty"]
    assert probe["ty"]["disagreeColumns"] == ["ty"]
    ty_off = [case for case in cases if _worst(entry[(case, "ty")]) in OFF]
    assert sorted(probe["tyNp"]["grid"]) == ty_off
    assert sorted(probe["tyNp"]["disagree"]) == ty_off
    groups = {case: next(d["cases"][case]["group"] for d in docs.values() if case in d["cases"]) for case in cases}
    assert sorted(probe["api"]["grid"]) == [c for c in cases if groups[c] == "api"]
    assert sorted(probe["api"]["disagree"]) == [c for c in off if groups[c] == "api"]
    yaml = [c for c in cases if c.endswith(".yml") or ".yml::" in c]
    assert probe["yaml"]["grid"] == yaml
    assert yaml or which == "committed"
    assert sorted(probe["py"]["grid"]) == [c for c in cases if c not in yaml]
    zuban_off = [case for case in cases if _worst(entry[(case, "zuban")]) in OFF]
    zuban_named = {d for e in (entry[(case, "zuban")] for case in cases) if e for cell in e["cells"].values()
                   for d in cell.get("divergences", [])}  # fmt: skip
    assert sorted(probe["zuban"]["divergences"]) == sorted(zuban_named)
    assert len(probe["start"]["divergences"]) > len(zuban_named)
    assert sorted(probe["zuban"]["grid"]) == zuban_off
    assert probe["zuban"]["columns"] == ["zuban"]
    assert probe["back"]["grid"] == probe["start"]["grid"]
