"""Bad input gets one readable error that names the file and line, and loads nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from bgtyping.corpus import load_corpus
from bgtyping.model import EngineError

from .support import MakeCorpus, cli

GOOD = '''
"""A good case."""
def f(x: int) -> None: ...
f("a")  # E: arg-type
'''

DIVERGENCE = """
[known]
owner = "checker"
reason = "a reason"
issue = "https://example.invalid/1"
reports = { mypy = [] }
"""


def test_good_case_loads(make_corpus: MakeCorpus) -> None:
    corpus = load_corpus(make_corpus({"g/check_good.py": GOOD}))
    (case,) = corpus.cases
    assert (case.id, case.group, case.claim) == ("check_good", "g", "A good case.")
    assert case.lines[3].kinds == {"arg-type"}
    assert case.min_python is None


def test_version_suffix_gates_the_case(make_corpus: MakeCorpus) -> None:
    (case,) = load_corpus(make_corpus({"check_new-py312.py": GOOD})).cases
    assert case.min_python == (3, 12)
    assert not case.applies_to("3.11")
    assert case.applies_to("3.13")


def test_explicit_codes_and_divergence_parse(make_corpus: MakeCorpus) -> None:
    source = '"""Claim."""\nx = 1  # E: arg-type, mypy=misc+call-arg  # diverge: known\n'
    (case,) = load_corpus(make_corpus({"check_x.py": source}, DIVERGENCE)).cases
    spec = case.lines[2]
    assert spec.explicit == {"mypy": {"misc", "call-arg"}}
    assert spec.divergences == ("known",)


BAD_CASES = {
    "unknown marker": ('"""Claim."""\nx = 1  # R: arg-type\n', 2, "unknown marker"),
    "free text after code": ('"""Claim."""\nx = 1  # explain\n', 2, "unknown marker"),
    "unknown kind": ('"""Claim."""\nx = 1  # E: arg_type\n', 2, "unknown error kind 'arg_type'"),
    "unknown checker": ('"""Claim."""\nx = 1  # E: nochecker=code\n', 2, "unknown error kind"),
    "empty term": ('"""Claim."""\nx = 1  # E: arg-type,\n', 2, "empty term"),
    "unknown divergence": ('"""Claim."""\nx = 1  # E: arg-type  # diverge: nope\n', 2, "unknown divergence"),
    "marker alone on a line": ('"""Claim."""\n# E: arg-type\nx = 1\n', 2, "at the end of the line"),
    "checker ignore comment": ('"""Claim."""\nx: int = ""  # type: ignore\n', 2, "ignore comments"),
    "pyright ignore comment": ('"""Claim."""\nx: int = ""  # pyright: ignore[x]\n', 2, "ignore comments"),
    "no docstring": ("x = 1\n", 1, "one-line docstring"),
    "two-line docstring": ('"""Claim\nmore."""\n', 1, "one-line docstring"),
    # A claim reaches the terminal, annotations, JUnit and the page: control characters are refused.
    "control character in the claim": ('"""Claim\x01."""\n', 1, "claim holds a control character (\\x01)"),
    "escape sequence in the claim": ('"""Claim \x1b[31mred."""\n', 1, "control character (\\x1b)"),
    "line separator in the claim": ('"""Claim\u2028more."""\n', 1, "control character (\\u2028)"),
    "bidi override in the claim": ('"""Claim \u202eevil."""\n', 1, "control character (\\u202e)"),
    "byte order mark in the claim": ('"""Claim \ufeff::warning::x."""\n', 1, "control character (\\ufeff)"),
    "syntax error": ('"""Claim."""\ndef (:\n', 2, "not valid Python"),
    "unclosed parenthesis": ('"""Claim."""\nx = 1\nf(\n', 3, "not valid Python"),
    "bad dedent": ('"""Claim."""\nif x:\n        y = 1\n    z = 2\n', 4, "not valid Python"),
    # Inline checker configuration would change what the checker reports from inside the case.
    "mypy config comment": ('"""Claim."""\n# mypy: disable-error-code="arg-type"\nx = 1\n', 2, "inline checker"),
    "pyright basic": ('"""Claim."""\n# pyright: basic\nx = 1\n', 2, "inline checker"),
    "pyright rule off": ('"""Claim."""\n# pyright: reportArgumentType=false\nx = 1\n', 2, "inline checker"),
    "ty config comment": ('"""Claim."""\nx = 1  # ty: foo\n', 2, "inline checker"),
    "pyrefly config comment": ('"""Claim."""\n# pyrefly: permissive\nx = 1\n', 2, "inline checker"),
    "type comment": ('"""Claim."""\nx = f()  # type: int\n', 2, "inline checker"),
    "version no run reaches": ('"""Claim."""\n', 1, "names no supported Python version"),
    "lone carriage return": ('"""Claim."""\nx: int = "a"\ry: int = 1  # E: assignment\n', 2, "lone carriage return"),
    "TYPE_CHECKING": ('"""Claim."""\nfrom typing import TYPE_CHECKING\n', 2, "makes checkers skip code"),
    "no_type_check": ('"""Claim."""\nfrom typing import no_type_check\n', 2, "makes checkers skip code"),
    "platform branch": ('"""Claim."""\nimport sys\nif sys.platform == "win32":\n    x: int = ""\n', 3, "skip code"),
    "version branch": ('"""Claim."""\nimport sys\nif sys.version_info < (3, 8):\n    x: int = ""\n', 3, "skip"),
}


def _name_for(label: str) -> str:
    return "check_bad-py399.py" if label == "version no run reaches" else "check_bad.py"


@pytest.mark.parametrize(("label", "source", "line", "message"), [(k, *v) for k, v in BAD_CASES.items()])
def test_bad_case_names_file_and_line(
    make_corpus: MakeCorpus, label: str, source: str, line: int, message: str
) -> None:
    name = _name_for(label)
    root = make_corpus({name: source}, DIVERGENCE if "known" in source else "")
    with pytest.raises(EngineError, match=re.escape(message)) as info:
        load_corpus(root)
    assert info.value.path is not None
    assert info.value.path.endswith(name)
    assert info.value.line == line
    assert f"{name}:{line}: " in str(info.value)


def test_non_utf8_case_is_one_line_exit_2(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_good.py": GOOD})
    (root / "cases" / "check_latin.py").write_bytes(b'"""Claim."""\nx = "caf\xe9"\n')
    proc = cli("--corpus", root, "--target", "inline=/bin/sh")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "check_latin.py:2: not UTF-8" in proc.stderr


def test_a_bom_is_valid_python(make_corpus: MakeCorpus) -> None:
    root = make_corpus({})
    (root / "cases" / "check_bom.py").write_bytes(b'\xef\xbb\xbf"""Claim."""\nx: int = ""  # E: assignment\n')
    (case,) = load_corpus(root).cases
    assert case.claim == "Claim."
    assert case.lines[2].kinds == {"assignment"}


def test_a_case_too_deep_for_the_parser_is_one_line(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_deep.py": '"""Claim."""\nx = ' + "+".join(["1"] * 200_000) + "\n"})
    with pytest.raises(EngineError, match="cannot be parsed"):
        load_corpus(root)


def test_pep701_fstring_in_a_newer_case_is_read_correctly(make_corpus: MakeCorpus) -> None:
    """3.11's tokenizer reads `f"{"#"}"` as a string and a comment; the engine must not."""
    source = '"""Claim."""\nx = f"{"#"}"\ny: int = f"{"a" + "b"}"  # E: assignment\n'
    (case,) = load_corpus(make_corpus({"check_new-py312.py": source})).cases
    assert set(case.lines) == {3}
    assert case.lines[3].kinds == {"assignment"}


def _tokenize_reference(source: str) -> tuple[list[tuple[int, str]], set[int]]:
    """Comments and code lines as the standard library's tokenizer sees them: the oracle for both scanners."""
    import io
    import tokenize

    code_lines: set[int] = set()
    comments: list[tuple[int, str]] = []
    layout = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments.append((tok.start[0], tok.string))
        elif tok.type not in layout:
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    return comments, code_lines


def _comment_lines(found: tuple[list[tuple[int, str]], set[int]]) -> tuple[list[tuple[int, str]], set[int]]:
    """What the loader asks of a scan: the comments, and which comment lines hold code."""
    comments, code = found
    return comments, code & {line for line, _ in comments}


TRICKY = [
    's = "# not a comment"  # a comment\n',
    "s = '''\n# inside\n'''  # after\n",
    's = """a \\""" # b"""  # c\n',
    "s = r'\\'  # raw: the backslash still escapes the quote'\n",
    "x = (1,\n  # only a comment, inside brackets\n  2)  # E: x\n",
    "x = 1 + \\\n    2  # joined\n",
    "s = rb'#' + Rb\"#\" + f'{1}#' + u'#'  # prefixes\n",
    "if'a'in'ab':pass  # no spaces\n",
    "s = 'a\\\nb'  # a backslash-newline inside a short string\n",
    "x = 1\r\ny = 2  # CRLF\r\n",
    "def f():\n    pass\n\n\n# trailing\n",
    "s = '''\\'''' + '''x'''  # an escaped quote inside a triple-quoted string\n",
    "x = 1#no space\n",
    "é = 'ü'  # non-ASCII names\n",
    "x = (\n    1  # inside brackets, after code\n)\n",
    "s = '''\n  # inside a string\n'''  # E: x\n  # alone, indented\n",
    "if'x'in'x'and'#'!='':pass  # E: y\n",
]


@pytest.mark.parametrize("source", TRICKY)
def test_the_fast_scanner_agrees_with_tokenize_on_tricky_source(source: str) -> None:
    from bgtyping.corpus.comments import find_comments

    compile(source, "<case>", "exec")  # the scanner is only given source that parses
    assert _comment_lines(find_comments(source)) == _comment_lines(_tokenize_reference(source))


def test_both_scanners_agree_with_tokenize_on_the_whole_corpus() -> None:
    """The regex scanner (this interpreter's syntax) and the one for newer syntax match tokenize."""
    from bgtyping.corpus.comments import find_comments, scan_comments

    from .support import ROOT

    cases = sorted((ROOT / "typing_tests" / "cases").rglob("*.py"))
    assert len(cases) > 100
    for path in cases:
        source = path.read_text(encoding="utf-8")
        assert scan_comments(source) == _tokenize_reference(source), path
        if "-py" not in path.name:
            assert _comment_lines(find_comments(source)) == _comment_lines(_tokenize_reference(source)), path


@pytest.mark.parametrize("name", ["check_x.pyi", "check_x.PY", "check_x.Py"])
def test_a_case_the_loader_would_skip_is_rejected(make_corpus: MakeCorpus, name: str) -> None:
    root = make_corpus({"check_good.py": GOOD})
    (root / "cases" / name).write_text(GOOD, encoding="utf-8")
    with pytest.raises(EngineError, match="not a case file"):
        load_corpus(root)


def test_select_that_matches_nothing_says_so(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match=r"--select 'nope/\*' matched none of the 1 case files"):
        load_corpus(make_corpus({"check_good.py": GOOD}), "nope/*")


@pytest.mark.parametrize("name", ["bad.py", "check_Upper.py", "check_x-py3.py", "check_x-3.12.py"])
def test_badly_named_case_file(make_corpus: MakeCorpus, name: str) -> None:
    with pytest.raises(EngineError, match=re.escape("check_<thing>.py")):
        load_corpus(make_corpus({name: GOOD}))


def test_duplicate_case_ids(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match="duplicate case id 'check_good'"):
        load_corpus(make_corpus({"a/check_good.py": GOOD, "b/check_good.py": GOOD}))


def test_empty_corpus(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match="corpus is empty"):
        load_corpus(make_corpus({}))


def test_unused_divergence_is_an_error(make_corpus: MakeCorpus) -> None:
    with pytest.raises(EngineError, match=r"\[known\] is not named by any case"):
        load_corpus(make_corpus({"check_good.py": GOOD}, DIVERGENCE))


ENTRY = '[known]\nowner = "checker"\nreason = "r"\nissue = "i"\n'


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[known\n", "malformed TOML"),
        ('[known]\nreason = "r"\n', "needs owner, reason, issue and reports"),
        (ENTRY + "reports = { nochecker = [] }\n", "not a known checker"),
        (ENTRY + 'reports = { mypy = [] }\ntargets = ["other"]\n', "targets must be"),
        (ENTRY + "reports = { mypy = [] }\nextra = 1\n", "needs owner, reason"),
        (ENTRY + "reports = {}\n", "reports is empty"),
        ('[known]\nowner = "upstream"\nreason = "r"\nissue = "i"\nreports = { mypy = [] }\n', "owner must say whose"),
        (ENTRY + "reports = { mypy = [] }\ntargets = []\n", "targets is empty"),
    ],
)
def test_malformed_divergences(make_corpus: MakeCorpus, toml: str, message: str) -> None:
    with pytest.raises(EngineError, match=re.escape(message)) as info:
        load_corpus(make_corpus({"check_good.py": GOOD}, toml))
    assert "divergences.toml" in str(info.value)


def test_cli_reports_bad_input_once_and_exits_2(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_bad.py": '"""Claim."""\nx = 1  # E: nope\n'})
    proc = cli("--corpus", root, "--target", "inline=/bin/sh")
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert "check_bad.py:2: unknown error kind 'nope'" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "stubs"], "a target is NAME=PYTHON"),
        (["--target", "other=/bin/sh"], "unknown target 'other'"),
        (["--target", "inline=/nonexistent/python"], "no interpreter at"),
        (["--target", "inline=/bin/sh", "--checker", "nochecker"], "unknown checker 'nochecker'"),
        (["--target", "inline=/bin/sh", "--python", "3"], "'3' is not supported"),
        (["--target", "inline=/bin/sh", "--python", "3.9"], "'3.9' is not supported"),
        (["--timeout", "nan"], "must be a positive, finite number"),
        (["--timeout", "inf"], "must be a positive, finite number"),
        (["--timeout", "0"], "must be a positive, finite number"),
        (["--timeout=-5"], "must be a positive, finite number"),
        (["--timeout", "soon"], "not a number of seconds"),
        (["--target", f"inline={sys.executable}", "--target", f"inline={sys.executable}"], "named twice"),
        (["--target", "stubs=/etc/hostname", "--checker", "zuban"], "is not a Python interpreter"),
        (["--junitxml", "/etc/hostname/j.xml"], "is not writable"),
        (["--compare", "/nonexistent/results"], "no such results folder"),
        (["--select", ""], "--select needs a glob"),
        (["--junitxml", "/tmp"], "is a folder"),
    ],
)
def test_cli_rejects_bad_options(make_corpus: MakeCorpus, tmp_path: Path, args: list[str], message: str) -> None:
    proc = cli("--corpus", make_corpus({"check_good.py": GOOD}), "--workdir", tmp_path / "w", *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "usage: mypy" not in proc.stderr + proc.stdout


def test_yaml_case_with_main_twice_is_rejected(tmp_path: Path) -> None:
    from bgtyping.corpus.yamlfile import load_yaml_cases

    (tmp_path / "test_x.yml").write_text("- case: a\n  main: |\n    x = 1\n  main: |\n    y = 2\n", encoding="utf-8")
    with pytest.raises(EngineError, match="duplicate key 'main'") as info:
        load_yaml_cases(tmp_path)
    assert info.value.line == 4


def test_non_utf8_yaml_is_rejected(tmp_path: Path) -> None:
    from bgtyping.corpus.yamlfile import load_yaml_cases

    (tmp_path / "test_x.yml").write_bytes(b"- case: a\n  main: 'caf\xe9'\n")
    with pytest.raises(EngineError, match="not UTF-8"):
        load_yaml_cases(tmp_path)


def test_a_claim_with_a_lone_surrogate_is_refused(make_corpus: MakeCorpus) -> None:
    """A lone surrogate is no text any output can hold (the source escapes it: `\\ud800` in the docstring)."""
    root = make_corpus({"check_s.py": '"""Claim \\ud800."""\n'})
    with pytest.raises(EngineError, match=re.escape("claim holds a control character (\\ud800)")):
        load_corpus(root)


def test_a_case_folder_whose_name_is_not_utf8_is_refused(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_good.py": GOOD})
    folder = Path(os.fsdecode(bytes(root / "cases") + b"/bad\xff"))
    folder.mkdir()
    (folder / "check_x.py").write_text(GOOD, encoding="utf-8")
    with pytest.raises(EngineError, match="a case path holds a control character"):
        load_corpus(root)


def test_a_case_named_like_a_probe_is_refused(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_probe_canary.py": GOOD})
    with pytest.raises(EngineError, match="the engine's own probes"):
        load_corpus(root)


def test_divergence_targets_that_are_not_names_are_one_error(make_corpus: MakeCorpus) -> None:
    bad = '[d]\nowner = "checker"\nreason = "r"\nissue = "i"\nreports = { mypy = [] }\ntargets = [["inline"]]\n'
    root = make_corpus({"check_good.py": GOOD}, bad)
    with pytest.raises(EngineError, match="targets must be a subset"):
        load_corpus(root)


def test_a_syntax_warning_never_prints_the_case_source(make_corpus: MakeCorpus) -> None:
    """Python 3.12+ prints a SyntaxWarning with the offending line raw on stderr; the loader keeps it quiet."""
    root = make_corpus({"check_w.py": '"""Claim."""\ns = "\\d \x1b[31m"\n'.replace("\x1b", "")})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning the parse lets out fails the test
        load_corpus(root)


# -- the parse cache: an unchanged case is not parsed again; anything else is --------------------------


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr("bgtyping.corpus.pycases._parse", refuse)


def test_an_unchanged_case_comes_from_the_parse_cache_equal(
    make_corpus: MakeCorpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = '"""Claim."""\nx = 1  # E: arg-type, mypy=misc+call-arg  # diverge: known\n# static-only: why\n'
    root = make_corpus({"g/check_x.py": source, "check_y-py312.py": GOOD}, DIVERGENCE)
    cache = tmp_path / "work" / "parsed.json"
    first = load_corpus(root, parse_cache=cache)
    assert cache.is_file()
    _no_parsing(monkeypatch)
    again = load_corpus(root, parse_cache=cache)
    assert again.cases == first.cases
    assert [c.data for c in again.cases] == [c.data for c in first.cases]
    assert {c.id: c.static_only for c in again.cases} == {"check_x": "why", "check_y-py312": None}


def test_a_freshly_parsed_corpus_holds_one_object_per_distinct_claim(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    """A fresh 9,000-case corpus built a claim object per line (35,000 for 61 distinct: 20 MB of peak)."""
    line = "x: int = ''  # E: assignment\n"
    root = make_corpus({f"check_{n}.py": f'"""Claim."""\n{line}{line}' for n in "abc"})
    for parse_cache in (tmp_path / "work" / "parsed.json", tmp_path / "work" / "parsed.json"):  # fresh, then kept
        specs = [spec for case in load_corpus(root, parse_cache=parse_cache).cases for spec in case.lines.values()]
        assert len(specs) == 6
        assert len({id(spec) for spec in specs}) == 1


def test_the_parse_cache_never_hides_an_error(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    source = '"""Claim."""\nx = 1  # E: arg-type  # diverge: known\n'
    root = make_corpus({"check_x.py": source}, DIVERGENCE)
    cache = tmp_path / "parsed.json"
    load_corpus(root, parse_cache=cache)
    # The divergence it names is gone: parsed again, so the unknown id is reported.
    (root / "divergences.toml").write_text("", encoding="utf-8")
    with pytest.raises(EngineError, match="unknown divergence 'known'"):
        load_corpus(root, parse_cache=cache)
    # Edited to be broken: a new key, parsed, rejected.
    (root / "divergences.toml").write_text(DIVERGENCE, encoding="utf-8")
    (root / "cases" / "check_x.py").write_text(source.replace("arg-type", "arg_type"), encoding="utf-8")
    with pytest.raises(EngineError, match="unknown error kind 'arg_type'"):
        load_corpus(root, parse_cache=cache)


@pytest.mark.parametrize(
    "garbage", [b"", b"{not json", b'{"format": 1, "parser": "other", "entries": {}}', b"[1]", b"[" * 100_000]
)
def test_a_foreign_or_damaged_parse_cache_is_ignored(make_corpus: MakeCorpus, tmp_path: Path, garbage: bytes) -> None:
    root = make_corpus({"check_good.py": GOOD})
    expected = load_corpus(root).cases
    cache = tmp_path / "parsed.json"
    cache.write_bytes(garbage)
    assert load_corpus(root, parse_cache=cache).cases == expected
    assert load_corpus(root, parse_cache=cache).cases == expected  # and from what it wrote


@pytest.mark.parametrize(
    "damaged",
    [
        json.dumps(["claim", None, {"3": "not a line"}]),
        "{not json",
        ["claim", None, {}],
        json.dumps([1, None, {}]),
        json.dumps(["claim", None, {"3": '["arg-type"]'}]),  # a line's claim of the wrong shape
        json.dumps(["claim", None, {"3": "[[1], {}, []]"}]),
        json.dumps(["claim", None, {"3": '[["arg-type"], {"mypy": "arg-type"}, []]'}]),
        json.dumps(["claim", None, {"3": ["arg-type"]}]),
        json.dumps(["claim", None, {"3": '[["no-such-kind"], {}, []]'}]),  # would be a KeyError when judged
        json.dumps(["claim", None, {"3": '[[], {"nosuch": ["x"]}, []]'}]),
        json.dumps(["claim", None, {"-1": '[["arg-type"], {}, []]'}]),
        json.dumps(["claim", None, {"03": '[["arg-type"], {}, []]'}]),
        "[" * 100_000,
        json.dumps(["claim", None, {"3": "[" * 100_000}]),
    ],
)
def test_a_damaged_parse_cache_entry_is_parsed_again(make_corpus: MakeCorpus, tmp_path: Path, damaged: object) -> None:
    root = make_corpus({"check_good.py": GOOD})
    cache = tmp_path / "parsed.json"
    expected = load_corpus(root, parse_cache=cache).cases
    text = cache.read_text(encoding="utf-8")
    doc = json.loads(text)
    for key in doc["entries"]:
        assert isinstance(doc["entries"][key], str)  # each entry its own JSON text, decoded when read
        doc["entries"][key] = damaged
    cache.write_text(json.dumps(doc), encoding="utf-8")
    assert load_corpus(root, parse_cache=cache).cases == expected


def test_a_symlinked_case_is_read_at_its_target(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    root = make_corpus({"check_good.py": GOOD})
    real = tmp_path / "elsewhere" / "check_linked.py"
    real.parent.mkdir()
    real.write_text(GOOD, encoding="utf-8")
    (root / "cases" / "check_linked.py").symlink_to(real)
    paths = {c.id: c.path for c in load_corpus(root).cases}
    assert paths == {"check_good": (root / "cases" / "check_good.py").resolve(), "check_linked": real.resolve()}


def test_a_corpus_without_yaml_items_loads_without_the_yaml_machinery(make_corpus: MakeCorpus) -> None:
    """PyYAML, Jinja and `regex` are a fifth of the start-up; a corpus of `.py` cases needs none of them."""
    root = make_corpus({"check_good.py": GOOD})
    code = (
        "import sys; from pathlib import Path; import bgtyping.cli, bgtyping.engine.run; "
        f"from bgtyping.corpus import load_corpus; load_corpus(Path({str(root)!r})); "
        "print(sorted(m for m in ('yaml', 'jinja2', 'regex') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_listing_keeps_path_order_and_skips_what_it_always_skipped(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    """Path order (`a/` before `a-b/`, which string order would swap), `__pycache__` and a symlinked folder
    left out, a broken symlink that is no case ignored, a symlinked file read."""
    root = make_corpus(
        {
            "a/check_one.py": GOOD,
            "a-b/check_two.py": GOOD,
            "a/__pycache__/check_cached.py": GOOD,
            "z/check_three.py": GOOD,
        }
    )
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "check_four.py").write_text(GOOD, encoding="utf-8")
    (root / "cases" / "linked").symlink_to(outside, target_is_directory=True)
    (root / "cases" / "notes.txt").symlink_to(tmp_path / "missing.txt")
    (root / "cases" / "z" / "check_five.py").symlink_to(outside / "check_four.py")
    cases = load_corpus(root).cases
    assert [(c.group, c.id) for c in cases] == [
        ("a", "check_one"),
        ("a-b", "check_two"),
        ("z", "check_five"),
        ("z", "check_three"),
    ]


@pytest.mark.parametrize("how", ["broken", "loop", "a folder"])
def test_a_case_name_that_is_a_dead_symlink_is_an_error_on_that_file(
    make_corpus: MakeCorpus, tmp_path: Path, how: str
) -> None:
    """Never skipped (its claims would go unjudged), and never blamed on its folder."""
    root = make_corpus({"check_good.py": GOOD})
    link = root / "cases" / "check_dead.py"
    link.symlink_to({"broken": tmp_path / "missing.py", "loop": link, "a folder": tmp_path}[how])
    with pytest.raises(EngineError, match="symlink that cannot be read") as caught:
        load_corpus(root)
    assert caught.value.path == str(link)


def test_a_folder_of_cases_that_cannot_be_read_is_an_error(
    make_corpus: MakeCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a hole in the corpus: its cases would go unjudged, and the run would still pass."""
    root = make_corpus({"check_good.py": GOOD, "locked/check_hidden.py": GOOD})
    real = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(EngineError, match="cannot read this folder of the corpus: Permission denied"):
        load_corpus(root)


def test_unchanged_yaml_is_read_from_the_parse_cache_and_gives_the_same_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML reads a corpus file once; later loads of the same bytes give equal cases without it, and an
    edit, a value JSON cannot hold exactly, or an entry that is not JSON is read by PyYAML again."""
    import shutil

    import yaml

    from bgtyping.corpus import yamlfile
    from bgtyping.corpus.parsecache import ParseCache

    from .support import ROOT

    folder = tmp_path / "yaml"
    shutil.copytree(ROOT / "typing_tests" / "yaml", folder)
    reads: list[str] = []
    real = yaml.load

    def counted(stream: str, Loader: type) -> object:
        reads.append(stream)
        return real(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counted)
    cached = tmp_path / "parsed.json"

    def load() -> tuple[object, ...]:
        cache = ParseCache(cached)
        found = yamlfile.load_yaml_cases(folder, cache)
        cache.save()
        return found

    first = load()
    files = len(reads)
    assert files == len(yamlfile.collect([folder])) > 1
    reads.clear()
    assert load() == first
    assert reads == []
    assert yamlfile.load_yaml_cases(folder) == first  # what no cache gives
    reads.clear()
    edited = sorted(folder.glob("*.yml"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "- case: added\n  main: 'x = 1'\n", encoding="utf-8")
    again = load()
    assert len(reads) == 1
    assert len(again) == len(first) + 1
    # A date is no JSON value: that file is read every time, and gives what it gave.
    dated = folder / "test_dated.yml"
    dated.write_text("- case: dated\n  main: 'x = {{ when }}'\n  parametrized:\n    - when: 2001-01-01\n", "utf-8")
    with_date = load()
    reads.clear()
    assert load() == with_date
    assert len(reads) == 1
    assert reads[0].startswith("- case: dated")
    dated.unlink()
    text = json.loads(cached.read_text(encoding="utf-8"))
    for name in text["entries"]:
        text["entries"][name] = "[not json"
    cached.write_text(json.dumps(text), encoding="utf-8")
    reads.clear()
    assert load() == again
    assert len(reads) == files
