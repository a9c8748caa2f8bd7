"""Results files diff cleanly, and the HTML page shows every cell in a real headless browser."""

from __future__ import annotations

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


def test_html_page_in_a_headless_browser(tmp_path: Path) -> None:
    browser = _browser()
    page = tmp_path / "index.html"
    docs = results.load(RESULTS)
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
    assert len(dom.cells) == len(docs) * len(next(iter(docs.values()))["cases"])
