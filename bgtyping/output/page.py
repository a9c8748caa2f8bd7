"""The results page (results/index.html): where the checkers disagree first, then every cell as a compact grid.

One self-contained file. The summary, the disagreements and the divergences are markup; the grid and
every diagnostic come from one embedded JSON table (each message once) that the page's script draws
and opens on demand, so no markup repeats them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .. import escape
from ..model import BROKEN, MATRIX_TARGETS, PYTHON_VERSIONS, TARGET_FINGERPRINTS, VERDICT_WORDS, Divergence, Outcome
from .results import ABSENT, CaseEntry, Cell, Document, layout

PASS, DIVERGENT, FAIL = Outcome.PASS.value, Outcome.DIVERGENT.value, Outcome.FAIL.value
# Cells that hold no result: a version-gated case, a combination the checker cannot run.
NOT_RUN = frozenset({Outcome.SKIP.value, Outcome.UNSUPPORTED.value})
# Cells where a checker does not report what the case claims. A broken run is not the checker's view of
# a case (every case of the run is broken), so it is shown with the runs, not as a disagreement.
OFF = frozenset({DIVERGENT, FAIL, BROKEN})
YAML_SUFFIXES = (".yml", ".yaml")


def kind(case: str) -> str:
    """`yaml` for a pytest-mypy-plugins case (its path, before any `::name`, ends in .yml/.yaml), else `py`."""
    return "yaml" if case.partition("::")[0].endswith(YAML_SUFFIXES) else "py"


def columns(docs: Mapping[str, Document]) -> tuple[str, ...]:
    """Every cell key in the page's one fixed order: the matrix targets, then any other target seen; by version."""
    seen = {key for doc in docs.values() for entry in doc["cases"].values() for key in entry["cells"]}
    targets = [*MATRIX_TARGETS, *(t for t in TARGET_FINGERPRINTS if t not in MATRIX_TARGETS)]
    return tuple(f"{t}-py{v}" for t in targets for v in PYTHON_VERSIONS if t in MATRIX_TARGETS or f"{t}-py{v}" in seen)


def _split(key: str) -> tuple[str, str]:
    target, _, python = key.partition("-py")
    return target, python


def where(keys: Iterable[str], among: Iterable[str]) -> str:
    """Cells named for people: a target alone when it covers all of that target's cells `among`."""
    chosen, pool = set(keys), list(among)
    if chosen >= set(pool):
        return "everywhere"
    parts: list[str] = []
    for target in dict.fromkeys(_split(k)[0] for k in pool):
        mine = [k for k in pool if _split(k)[0] == target]
        picked = [_split(k)[1] for k in mine if k in chosen]
        if picked:
            parts.append(target if len(picked) == len(mine) else f"{target} {', '.join(picked)}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Standing:
    """One checker on one case: the worst verdict where it ran, where that was, and the divergences named."""

    verdict: str
    where: str
    divergences: tuple[str, ...]

    @property
    def off(self) -> bool:
        return self.verdict in OFF


def standing(entry: CaseEntry | None) -> Standing:
    if entry is None:
        return Standing(ABSENT, "", ())
    cells = entry["cells"]
    ran = [k for k, c in cells.items() if c["verdict"] not in NOT_RUN]
    divergences = tuple(dict.fromkeys(d for c in cells.values() for d in c.get("divergences", [])))
    if not ran:
        seen = {c["verdict"] for c in cells.values()}
        return Standing(Outcome.UNSUPPORTED.value if Outcome.UNSUPPORTED.value in seen else Outcome.SKIP.value, "", ())
    for verdict in (BROKEN, FAIL, DIVERGENT):
        keys = [k for k in ran if cells[k]["verdict"] == verdict]
        if keys:
            spot, targets = where(keys, ran), dict.fromkeys(_split(k)[0] for k in ran)
            if spot == "everywhere" and len(targets) < len({_split(k)[0] for k in cells}):
                spot = "; ".join(targets)  # all it ran is one target (the other unsupported): name it
            return Standing(verdict, spot, divergences)
    return Standing(PASS, "", ())


def disagreements(docs: Mapping[str, Document]) -> list[str]:
    """The cases where some checker, on some target and version, does not report what the case claims."""
    _, groups = layout(docs)
    return [
        case
        for cases in groups.values()
        for case, _ in cases
        if any(standing(doc["cases"].get(case)).verdict in (DIVERGENT, FAIL) for doc in docs.values())
    ]


# -- the embedded table: per case, each line some checker reports on, and what each reported there ---------


def _lines_of(cell: Cell) -> dict[int, tuple[str, ...]]:
    by_line: dict[int, list[str]] = {}
    for name in cell.get("diagnostics", []):
        head, _, _ = name.partition(":")
        by_line.setdefault(int(head) if head.isdigit() else 0, []).append(name)
    return {line: tuple(sorted(names)) for line, names in by_line.items()}


class Strings:
    """Each distinct string (message, code) once; the table refers to it by number."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.texts)
            self.texts.append(text)
        return self._index[text]


def marks(entry: CaseEntry | None, keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """One case under one checker as runs of cells, in the header's order: all keys alike make one run, else
    each target's keys alike make one, else one run per key. A key the entry lacks is `absent`."""
    cells = entry["cells"] if entry is not None else {}

    def verdict(key: str) -> str:
        return cells[key]["verdict"] if key in cells else ABSENT

    if len({verdict(k) for k in keys}) == 1:
        return [(verdict(keys[0]), list(keys))]
    runs: list[tuple[str, list[str]]] = []
    for target in dict.fromkeys(_split(k)[0] for k in keys):
        mine = [k for k in keys if _split(k)[0] == target]
        runs += (
            [(verdict(mine[0]), mine)] if len({verdict(k) for k in mine}) == 1 else [(verdict(k), [k]) for k in mine]
        )
    return runs


def case_table(docs: Mapping[str, Document], checkers: Sequence[str], case: str, strings: Strings) -> list[object]:
    """What the page's script shows for one case: [lines, problems, ran], checkers in `checkers`' order.

    `lines` has a row per line some checker reports on: [line, claim, off, reports], `reports` one item per
    checker: 0 where it reports nothing there in any cell; [off, diagnostics] where every cell of it reports
    the same; else [off, where, diagnostics, where, diagnostics, ...]. Diagnostics are flat triples
    (column, code, message), code and message as numbers into the strings. The claim (1 an error, 0 none,
    null unknown) is what every passing cell reports there: a cell passes only when it reports exactly the
    lines the case claims, and results files do not hold the claims themselves. `off` marks a line where
    some checker reports otherwise than the claim, or than itself in another cell.
    """
    entries = {c: e for c in checkers if (e := docs[c]["cases"].get(case)) is not None}
    ran = {c: {k: cell for k, cell in e["cells"].items() if cell["verdict"] not in NOT_RUN} for c, e in entries.items()}
    lines = {c: {k: _lines_of(cell) for k, cell in cells.items()} for c, cells in ran.items()}
    every = sorted({line for per in lines.values() for found in per.values() for line in found})
    rows: list[object] = []
    for line in every:
        passing = {
            line in lines[c][k] for c, cells in ran.items() for k, cell in cells.items() if cell["verdict"] == PASS
        }
        claim = passing.pop() if len(passing) == 1 else None
        presences = {line in found for per in lines.values() for found in per.values()}
        row_off = claim is None and len(presences) > 1
        reports: list[object] = []
        for checker in checkers:
            per = lines.get(checker, {})
            groups: dict[tuple[str, ...], list[str]] = {}
            for key, found in per.items():
                groups.setdefault(found.get(line, ()), []).append(key)
            if not any(groups):
                off = bool(per) and claim is True
                row_off = row_off or off
                reports.append([1, list[object]()] if off else 0)
                continue
            present = {bool(names) for names in groups}
            off = len(groups) > 1 or (claim is not None and present != {claim})
            row_off = row_off or off
            shown: list[object] = [int(off)]
            for names, keys in groups.items():
                diags: list[object] = []
                for name in names:
                    head, _, code = name.partition(" ")
                    column = head.partition(":")[2]
                    message = entries[checker]["messages"].get(name, "")
                    diags += [int(column) if column.isdigit() else 0, strings(code), strings(message)]
                shown += [diags] if len(groups) == 1 else [where(keys, per), diags]
            reports.append(shown)
        rows.append([line, None if claim is None else int(claim), int(row_off), reports])
    problems: list[object] = []
    for checker, cells in ran.items():
        by_text: dict[tuple[str, ...], list[str]] = {}
        for key, cell in cells.items():
            if cell.get("problems"):
                by_text.setdefault(tuple(cell.get("problems", [])), []).append(key)
        problems += [[checker, where(keys, cells), list(texts)] for texts, keys in by_text.items()]
    return [rows, problems, [int(bool(ran.get(c))) for c in checkers]]


# -- markup -----------------------------------------------------------------------------------------------

_CSS = """
body{font:14px system-ui,sans-serif;margin:1em 1.5em;color:#222}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1em 0 .3em}p{margin:.3em 0;max-width:80em}
table{border-collapse:collapse;margin-bottom:1em}
th,td{border:1px solid #ccc;padding:2px 5px;vertical-align:top;text-align:left}
thead th{background:#f3f3f3}
.clip{display:block;max-width:24em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#555;font-size:12px}
#disagree td{white-space:nowrap;font-size:12px;padding:1px 5px}#disagree .clip{max-width:17em}
#disagree tr.more td{white-space:normal}
#disagree .why{display:block;max-width:20em;overflow:hidden;text-overflow:ellipsis}
#summary td,#summary th{padding:1px 6px}
button.case{font:12px ui-monospace,monospace;border:0;background:none;padding:0;cursor:pointer;color:#04c}
button.case::before{content:'\\25b8 '}
button.case[aria-expanded=true]::before{content:'\\25be '}
.g{display:inline-grid;grid-template-columns:repeat(var(--n),1.2em);gap:1px;font:11px ui-monospace,monospace}
th .g b{font-size:9px;letter-spacing:-.5px}
.g i,.g b{font-style:normal;text-align:center;border-radius:2px;line-height:1.4em}.g b{font-weight:normal;color:#555}
.pass{background:#d9f2d9;color:#14591f}.divergent{background:#ffd966;color:#4d3800}
.fail,.broken{background:#d22;color:#fff;font-weight:bold}.skip,.unsupported,.absent{background:#e8e8e8;color:#555}
.m{display:inline-block;min-width:1.3em;text-align:center;border-radius:2px;padding:0 3px;font-style:normal}
td.off{background:#fff6d6}
.legend span{margin-right:1.2em;white-space:nowrap}
#filters{position:sticky;top:0;background:#fff;padding:3px 0;z-index:2;font-size:13px}
#filters fieldset{display:inline;border:1px solid #ccc;margin:0 .4em .3em 0;padding:1px 6px}
#filters legend{font-size:11px;color:#666}#filters label{margin-right:.4em;white-space:nowrap}
tr.more>td{background:#fafafa}table.lines{margin:4px 0;font-size:12px}table.lines td.off{background:#ffe8a8}
.msg{color:#444}.where,.note{color:#666;font-size:12px}
"""

_SCRIPT = """
'use strict';
const D = JSON.parse(document.getElementById('bg-data').textContent);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const byCase = new Map(D.rows.map(r => [r[0], r]));
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function caseButton(name) {
  const b = el('button', name, 'case');
  b.setAttribute('aria-expanded', 'false');
  return b;
}
// Which cells a run of n marks from position i covers, in words.
function where(i, n) {
  if (n === D.keys.length) return 'every target and version';
  const [target] = D.keys[i].split('-py');
  const versions = D.keys.slice(i, i + n).map(k => k.split('-py')[1]);
  const all = D.keys.filter(k => k.startsWith(target + '-py')).length;
  return n === all ? `${target}, Python ${versions[0]}-${versions[n - 1]}` : `${target}, Python ${versions.join(', ')}`;
}
const grid = document.getElementById('grid');
let body = null;
for (const [name, group, kind, claim, marks, divs] of D.rows) {
  if (!body || body.dataset.group !== group) {
    body = grid.createTBody();
    body.dataset.group = group;
    const th = el('th', group);
    th.colSpan = D.checkers.length + 1;
    body.insertRow().append(th);
  }
  const tr = body.insertRow();
  Object.assign(tr.dataset, {case: name, group, kind});
  tr.id = 'case-' + name;
  const first = tr.insertCell();
  const text = el('span', claim, 'clip');
  text.title = claim;
  first.append(caseButton(name), text);
  D.checkers.forEach((checker, c) => {
    const td = tr.insertCell(), g = el('span', null, 'g');
    td.dataset.checker = checker;
    g.style.setProperty('--n', D.keys.length);
    for (let j = 0, at = 0; j < marks[c].length; j += 2) {
      const [verdict, label, symbol] = D.verdicts[marks[c][j]], n = marks[c][j + 1];
      const m = el('i', symbol, verdict);
      m.style.gridColumn = 'span ' + n;
      if (verdict === 'absent') m.title = `${checker}: not in ${checker}.json`;
      else {
        m.dataset.v = verdict;
        if (n > 1) m.dataset.n = String(n);
        const known = verdict === 'divergent' && divs[c].length ? ` (${divs[c].join(', ')})` : '';
        m.title = `${checker}, ${where(at, n)}: ${label}${known}`;
      }
      if (D.off.includes(verdict)) td.dataset.off = '1';
      g.append(m);
      at += n;
    }
    td.append(g);
  });
}
// The summary counts every mark of the grid; a wide mark stands for data-n cells.
const tally = {};
for (const m of $$('#grid td[data-checker] i[data-v]')) {
  const t = (tally[m.closest('td').dataset.checker] ||= {});
  t[m.dataset.v] = (t[m.dataset.v] || 0) + Number(m.dataset.n || 1);
}
for (const td of $$('#summary td[data-verdict]')) {
  td.textContent = String((tally[td.parentElement.dataset.checker] || {})[td.dataset.verdict] || 0);
}
function lines(name, all) {
  const [rows, problems, ran] = byCase.get(name)[6];
  const shown = rows.filter(r => all || r[2]);
  const box = el('div');
  if (!shown.length) {
    box.append(el('p', all ? 'No checker reports an error in this case.'
      : 'Every checker reports the same lines (none differ); the divergence says why that is off the claim.', 'note'));
  } else {
    const t = el('table', null, 'lines'), head = t.createTHead().insertRow(), body = t.createTBody();
    for (const h of ['line', 'claim', ...D.checkers]) head.append(el('th', h));
    for (const [line, claim, , reports] of shown) {
      const tr = body.insertRow();
      tr.append(el('td', String(line)), el('td', claim === 1 ? 'error' : claim === 0 ? 'no error' : '?'));
      D.checkers.forEach((checker, c) => {
        const td = tr.insertCell();
        td.dataset.checker = checker;
        if (!ran[c]) { td.textContent = 'n/a'; return; }
        const [off, ...rest] = reports[c] || [0, []];
        if (off) td.className = 'off';
        const groups = rest.length === 1 ? [['', rest[0]]] : rest.flatMap((x, j) => j % 2 ? [] : [[x, rest[j + 1]]]);
        if (!groups.length) groups.push(['', []]);
        for (const [at, diags] of groups) {
          const div = el('div');
          if (at) div.append(el('span', at + ': ', 'where'));
          if (!diags.length) div.append('nothing');
          for (let j = 0; j < diags.length; j += 3) {
            div.append(el('b', D.strings[diags[j + 1]] + ' '), el('span', D.strings[diags[j + 2]], 'msg'),
              el('span', ` (col ${diags[j]}) `, 'where'));
          }
          td.append(div);
        }
      });
    }
    box.append(t);
  }
  for (const [checker, at, texts] of problems) box.append(el('p', `${checker} fails (${at}): ${texts.join('; ')}`));
  if (shown.length < rows.length) {
    const b = el('button', `all ${rows.length} lines a checker reports on`);
    b.addEventListener('click', () => box.replaceWith(lines(name, true)));
    box.append(b);
  }
  return box;
}
function toggle(button) {
  const row = button.closest('tr'), next = row.nextElementSibling;
  const open = button.getAttribute('aria-expanded') === 'true';
  button.setAttribute('aria-expanded', String(!open));
  if (open) {
    if (next && next.classList.contains('more')) next.remove();
    return;
  }
  const tr = el('tr', null, 'more'), td = tr.insertCell();
  td.colSpan = row.cells.length;
  td.append(el('p', 'Claim, proven at run time: ' + byCase.get(row.dataset.case)[3]));
  for (const a of $$('.why a[href^="#div-"]', row)) td.append(el('p', `${a.textContent}: ${a.title}`, 'note'));
  td.append(lines(row.dataset.case, !row.closest('#disagree')));
  row.after(tr);
}
document.addEventListener('click', e => {
  const b = e.target.closest('button.case');
  if (b) toggle(b);
  const show = e.target.closest('a[data-show]');
  if (show) {  // a checker's cases off the claim, or its divergences: that checker, the rows where it is off
    document.querySelector(`#filters input[name=checker][value="${CSS.escape(show.dataset.show)}"]`).click();
    const np = document.querySelector('#filters input[name=np]');
    if (!np.checked) np.click();
  }
});
const state = {np: false, checker: '', group: '', kind: ''};
function apply() {
  const tables = $$('#disagree, #grid');
  for (const cell of tables.flatMap(t => $$('[data-checker]', t))) {
    cell.hidden = Boolean(state.checker) && cell.dataset.checker !== state.checker;
  }
  for (const t of tables) {
    const rows = $$('tr[data-case]', t);
    for (const tr of rows) {
      const cells = $$(':scope > td[data-checker]', tr).filter(td => !td.hidden);
      tr.hidden = Boolean((state.group && tr.dataset.group !== state.group)
        || (state.kind && tr.dataset.kind !== state.kind) || (state.np && !cells.some(td => td.dataset.off)));
      const next = tr.nextElementSibling;
      if (next && next.classList.contains('more')) next.hidden = tr.hidden;
    }
    for (const body of $$('tbody[data-group]', t)) body.hidden = !$$('tr[data-case]', body).some(tr => !tr.hidden);
    document.getElementById(t.id + '-shown').textContent =
      `${rows.filter(tr => !tr.hidden).length} of ${rows.length} cases shown`;
  }
  for (const d of $$('#divergences + dl > div')) {
    d.hidden = Boolean(state.checker) && !d.dataset.checkers.split(' ').includes(state.checker);
  }
}
for (const input of $$('#filters input')) {
  input.addEventListener('change', () => {
    state[input.name] = input.type === 'checkbox' ? input.checked : input.value;
    apply();
  });
}
apply();
document.body.dataset.ready = 'yes';
"""


def _label(verdict: str) -> str:
    word = VERDICT_WORDS.get(verdict)
    return word.label if word else verdict


def _symbol(verdict: str) -> str:
    word = VERDICT_WORDS.get(verdict)
    return word.symbol if word else "∅"  # absent: the checker's results file does not hold the case


def _ruler(keys: Sequence[str]) -> str:
    """The order of the marks, shown once in the grid's header: targets above, Python versions below."""
    esc = escape.html_text
    targets = list(dict.fromkeys(_split(k)[0] for k in keys))
    span = {t: sum(_split(k)[0] == t for k in keys) for t in targets}
    top = "".join(f"<b style='grid-column:span {span[t]}'>{esc(t)}</b>" for t in targets)
    bottom = "".join(f"<b title='Python {esc(_split(k)[1])}'>{esc(_split(k)[1].partition('.')[2])}</b>" for k in keys)
    return f"<span class='g' style='--n:{len(keys)}'>{top}{bottom}</span>"


def _issue(divergence: Divergence, text: str) -> str:
    href = escape.html_link(divergence.issue)
    title = escape.html_attribute(divergence.issue)
    return (
        f"<a href='{href}' title='{title}'>{escape.html_text(text)}</a>" if href else escape.html_text(divergence.issue)
    )


def _divergence_refs(ids: Sequence[str], divergences: Mapping[str, Divergence]) -> str:
    """The divergence ids on one line, each linked to its entry below (its reason as the tooltip) and its issue."""
    esc, attr = escape.html_text, escape.html_attribute
    out: list[str] = []
    for ident in ids:
        found = divergences.get(ident)
        reason = found.reason if found else "not in divergences.toml"
        issue = f" {_issue(found, '↗')}" if found else ""
        out.append(f"<a href='#div-{attr(ident)}' title='{attr(reason)}'>{esc(ident)}</a>{issue}")
    return f"<span class='why'>{', '.join(out)}</span>"


def _standing_cell(checker: str, s: Standing) -> str:
    """A checker's mark on a disagreement row, and where it is off the claim unless that is everywhere."""
    attr, esc = escape.html_attribute, escape.html_text
    text = f" {esc(s.where)}" if s.off and s.where != "everywhere" else ""
    off = " data-off='1' class='off'" if s.off else ""
    mark = f"<i class='m {attr(s.verdict)}'>{esc(_symbol(s.verdict))}</i>"
    return f"<td data-checker='{attr(checker)}' data-verdict='{attr(s.verdict)}'{off}>{mark}{text}</td>"


def _radios(name: str, legend: str, choices: Sequence[tuple[str, str]]) -> str:
    attr, esc = escape.html_attribute, escape.html_text
    items = "".join(
        f"<label><input type='radio' name='{name}' value='{attr(value)}'{'' if value else ' checked'}>"
        f"{esc(text)}</label>"
        for value, text in choices
    )
    return f"<fieldset><legend>{esc(legend)}</legend>{items}</fieldset>"


def page(docs: Mapping[str, Document], divergences: Mapping[str, Divergence] | None = None) -> str:
    known = divergences or {}
    checkers, groups = layout(docs)
    keys = columns(docs)
    esc, attr = escape.html_text, escape.html_attribute
    claims = {case: (group, claim) for group, cases in groups.items() for case, claim in cases}
    off_cases = disagreements(docs)
    standings = {(case, c): standing(docs[c]["cases"].get(case)) for case in claims for c in checkers}
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>BackgroundTasks typing results</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>BackgroundTasks typing results</h1>",
        f"<p>{len(claims)} cases, each a claim proven against the real starlette and fastapi at run time, under "
        f"{len(checkers)} checkers, on the <b>stubs</b> and <b>inline</b> targets, Python "
        f"{esc(PYTHON_VERSIONS[0])}-{esc(PYTHON_VERSIONS[-1])}: <a href='#disagree'>where a checker disagrees "
        "with the claim</a>, <a href='#divergences'>why</a>, <a href='#grid'>every cell</a>.</p>",
        _summary(docs, checkers, off_cases, standings, known),
        *_runs(docs),
        f"<h2>Where the checkers disagree: {len(off_cases)} cases</h2>",
        "<p>Some checker, on some target or Python version, does not report what these cases claim. ✓ reports "
        "the claim wherever it runs; <i class='m divergent'>k</i> is off it where shown, as a recorded divergence "
        "(its reason on hover, ↗ its upstream issue). Open a case for the lines the checkers report differently "
        "and what each one said there. <span class='note' id='disagree-shown'></span></p>",
        "<table id='disagree'><thead><tr><th>case</th><th>claim</th>"
        + "".join(f"<th data-checker='{attr(c)}'>{esc(c)}</th>" for c in checkers)
        + "<th>divergence</th></tr></thead><tbody>",
    ]
    for case in off_cases:
        group, claim = claims[case]
        ids = list(dict.fromkeys(d for c in checkers for d in standings[(case, c)].divergences))
        out.append(
            f"<tr data-case='{attr(case)}' data-group='{attr(group)}' data-kind='{kind(case)}'><td>"
            f"<button class='case' aria-expanded='false'>{esc(case)}</button></td><td><span class='clip' "
            f"title='{attr(claim)}'>{esc(claim)}</span></td>"
            + "".join(_standing_cell(c, standings[(case, c)]) for c in checkers)
            + f"<td>{_divergence_refs(ids, known)}</td></tr>"
        )
    out.append("</tbody></table>")
    out += _divergence_list(checkers, off_cases, standings, known)
    out += [
        "<h2>Every cell</h2><p class='legend'>"
        + "".join(
            f"<span><i class='m {attr(v)}'>{esc(w.symbol)}</i> {esc(w.label)}: {esc(w.meaning)}</span>"
            for v, w in VERDICT_WORDS.items()
        )
        + "</p>"
        + _filters(checkers, groups)
        + "<p>One mark per target and Python version, in the order of the header; where a checker gives "
        "the same verdict on a whole target, or everywhere, one wide mark stands for those cells. Hover a mark "
        "for its cell; open a case for every line a checker reports and its message. The filters apply to "
        "both tables. <span class='note' id='grid-shown'></span></p>",
        "<noscript><p>The grid and the diagnostics are drawn by the page's script; without it, RESULTS.md "
        "holds the same matrix.</p></noscript>",
        "<table id='grid'><thead><tr><th>case and claim</th>"
        + "".join(f"<th data-checker='{attr(c)}'>{esc(c)}</th>" for c in checkers)
        + "</tr><tr><th>target, Python 3.x</th>"
        + "".join(f"<th data-checker='{attr(c)}'>{_ruler(keys)}</th>" for c in checkers)
        + "</tr></thead></table>",
    ]
    verdicts = [*VERDICT_WORDS, ABSENT]
    strings = Strings()
    rows: list[object] = []
    for case, (group, claim) in claims.items():
        entries = [docs[c]["cases"].get(case) for c in checkers]
        runs = [[n for v, run in marks(e, keys) for n in (verdicts.index(v), len(run))] for e in entries]
        divs = [list(standings[(case, c)].divergences) for c in checkers]
        rows.append([case, group, kind(case), claim, runs, divs, case_table(docs, checkers, case, strings)])
    data = {
        "checkers": checkers,
        "keys": list(keys),
        "verdicts": [[v, _label(v), _symbol(v)] for v in verdicts],
        "off": sorted(OFF),
        "strings": strings.texts,
        "rows": rows,
    }
    out.append(f"<script type='application/json' id='bg-data'>{escape.script_json(data)}</script>")
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def _summary(
    docs: Mapping[str, Document],
    checkers: Sequence[str],
    off_cases: Sequence[str],
    standings: Mapping[tuple[str, str], Standing],
    known: Mapping[str, Divergence],
) -> str:
    """Per checker: its version, its cells by verdict (counted in the page from the grid), its divergences."""
    esc, attr = escape.html_text, escape.html_attribute
    rows = [
        "<table id='summary'><thead><tr><th>checker</th><th>version</th>"
        + "".join(f"<th>{esc(w.label)}</th>" for w in VERDICT_WORDS.values())
        + "<th>cases off the claim</th><th>divergences</th></tr></thead><tbody>"
    ]
    for checker in checkers:
        mine = [case for case in off_cases if standings[(case, checker)].off]
        ids = sorted({d for case in mine for d in standings[(case, checker)].divergences})
        show = f"data-show='{attr(checker)}' title='only these, below'"
        rows.append(
            f"<tr data-checker='{attr(checker)}'><td>{esc(checker)}</td><td>{esc(docs[checker]['version'])}</td>"
            + "".join(f"<td data-verdict='{attr(v)}'>?</td>" for v in VERDICT_WORDS)
            + f"<td data-off-cases='{len(mine)}'><a href='#disagree' {show}>{len(mine)} cases</a></td>"
            f"<td><a href='#divergences' {show}>{len(ids)}</a></td></tr>"
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _runs(docs: Mapping[str, Document]) -> list[str]:
    """Runs that gave no results (unsupported, broken), each reason once with the runs it applies to."""
    esc = escape.html_text
    notes: dict[tuple[str, str], list[str]] = {}
    for checker, doc in docs.items():
        for key, status in sorted(doc["runs"].items()):
            if status != "ok":
                notes.setdefault((checker, status), []).append(key)
    return [
        f"<p class='note'>{esc(checker)} on {esc(where(keys, sorted(docs[checker]['runs'])))}: {esc(status)}</p>"
        for (checker, status), keys in notes.items()
    ]


def _filters(checkers: Sequence[str], groups: Mapping[str, object]) -> str:
    """Filters for both tables below; they need no server, only the page's script."""
    return (
        "<form id='filters'><fieldset><legend>cells</legend><label><input type='checkbox' name='np'>only cases "
        "with a cell off the claim (known, FAIL, BROKEN)</label></fieldset>"
        + _radios("checker", "checker", [("", "all"), *((c, c) for c in checkers)])
        + _radios("group", "group", [("", "all"), *((g, g) for g in groups)])
        + _radios("kind", "cases", [("", "all"), ("py", ".py"), ("yaml", "YAML")])
        + "</form>"
    )


def _divergence_list(
    checkers: Sequence[str],
    off_cases: Sequence[str],
    standings: Mapping[tuple[str, str], Standing],
    known: Mapping[str, Divergence],
) -> list[str]:
    """Every divergence the results name: reason, issue, what each diverging checker reports instead, cases."""
    esc, attr = escape.html_text, escape.html_attribute
    used: dict[str, dict[str, None]] = {}  # each divergence's cases, and the checkers whose cells name it
    named: dict[str, dict[str, None]] = {}
    for case in off_cases:
        for checker in checkers:
            for ident in standings[(case, checker)].divergences:
                used.setdefault(ident, {})[case] = None
                named.setdefault(ident, {})[checker] = None
    out = ["<h2 id='divergences'>Divergences: why a checker is off the claim</h2><dl>"]
    for ident in sorted(used):
        found = known.get(ident)
        cases = ", ".join(f"<a href='#case-{attr(c)}'>{esc(c)}</a>" for c in used[ident])
        # The checker filter shows only the divergences of the chosen checker.
        out.append(
            f"<div data-checkers='{attr(' '.join(named[ident]))}'><dt id='div-{attr(ident)}'><b>{esc(ident)}</b></dt>"
        )
        if found is None:
            out.append(f"<dd>Not in divergences.toml. Cases: {cases}</dd></div>")
            continue
        reports = "; ".join(
            f"{esc(c)} {esc(', '.join(sorted(codes))) if codes else 'nothing'}" for c, codes in found.reports.items()
        )
        targets = ", ".join(t for t in TARGET_FINGERPRINTS if t in found.targets)
        out.append(
            f"<dd>{esc(found.reason)}<br>Upstream: {_issue(found, found.issue)}. Reported instead of the claim: "
            f"{reports} (targets: {esc(targets)}). Cases: {cases}</dd></div>"
        )
    out.append("</dl>")
    return out
