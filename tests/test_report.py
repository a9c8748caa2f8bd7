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

from bgtyping.output import report, results

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


class _Cells(HTMLParser):
    """Collects the matrix cells, their per-version badges and the summary the page computed."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], list[str]] = {}
        self.summary: dict[tuple[str, str], str] = {}
        self.ready = False
        self._cell: tuple[str, str] | None = None
        self._summary_row: str | None = None
        self._summary_verdict: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id") == "summary":
            self.ready = a.get("data-ready") == "yes"
        if tag == "tr" and a.get("data-checker"):
            self._summary_row = a["data-checker"]
        if tag == "td" and self._summary_row and a.get("data-verdict"):
            self._summary_verdict = a["data-verdict"]
        if tag == "td" and a.get("class") == "cell":
            self._cell = (str(a["data-case"]), str(a["data-checker"]))
            self.cells[self._cell] = []
        if tag == "span" and self._cell and a.get("data-verdict"):
            self.cells[self._cell].append(str(a["data-verdict"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
            self._summary_verdict = None
        if tag == "tr":
            self._summary_row = None

    def handle_data(self, data: str) -> None:
        if self._summary_row and self._summary_verdict:
            self.summary[(self._summary_row, self._summary_verdict)] = data.strip()


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("BGTYPING_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (BGTYPING_REQUIRE_BROWSER is set) but is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium); CI requires it")
    return found


def _uneven() -> dict[str, results.Document]:
    """The committed results, but ty's file lacks one case and holds one the others do not."""
    docs = results.load(RESULTS)
    cases = docs["ty"]["cases"]
    dropped = sorted(cases)[0]
    extra = cases[sorted(cases)[1]]
    del cases[dropped]
    cases["check_only_in_ty"] = {
        "group": extra["group"], "claim": "Only ty's file holds this case.", "messages": {}, "cells": extra["cells"]
    }  # fmt: skip
    return docs


def _span_counts(page: str) -> dict[tuple[str, str], int]:
    dom = _Cells()
    dom.feed(page)
    found: Counter[tuple[str, str]] = Counter()
    for (_, checker), verdicts in dom.cells.items():
        found.update((checker, v) for v in verdicts)
    return dict(found)


def test_the_report_renders_the_union_of_cases_and_both_formats_count_alike() -> None:
    docs = _uneven()
    dropped = sorted(results.load(RESULTS)["ty"]["cases"])[0]
    md, page = report.markdown(docs), report.page(docs)
    assert "check_only_in_ty" in md
    assert "check_only_in_ty" in page
    row = next(line for line in md.splitlines() if line.startswith(f"| `{dropped}`"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[1 + list(docs).index("ty")] == report.ABSENT  # shown as absent, not dropped
    assert cells.count(report.ABSENT) == 1
    spans = _span_counts(page)
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0] in docs:  # a row of the Markdown summary table
            for verdict, count in zip(report.VERDICTS, cells[2:], strict=True):
                assert int(count) == spans.get((cells[0], verdict), 0), (cells[0], verdict)


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


@pytest.mark.parametrize("which", ["committed", "uneven"])
def test_html_page_in_a_headless_browser(tmp_path: Path, which: str) -> None:
    browser = _browser()
    page = tmp_path / "index.html"
    docs = results.load(RESULTS) if which == "committed" else _uneven()
    page.write_text(report.page(docs), encoding="utf-8")
    proc = subprocess.run(
        [browser, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = _Cells()
    dom.feed(proc.stdout)
    assert dom.ready, "the page's script did not run"
    for checker, doc in docs.items():
        cases = doc["cases"]
        tally: Counter[str] = Counter()
        for case, entry in cases.items():
            expected = [str(c["verdict"]) for c in entry["cells"].values()]
            assert sorted(dom.cells[(case, checker)]) == sorted(expected), (case, checker)
            tally.update(expected)
        for verdict in report.VERDICTS:
            assert dom.summary[(checker, verdict)] == str(tally[verdict]), (checker, verdict)
    assert len(dom.cells) == sum(len(doc["cases"]) for doc in docs.values())
