"""Malformed YAML cases stop the run with one message naming the file and line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bgtyping.corpus import load_corpus
from bgtyping.corpus.yamlfile import load_yaml_cases
from bgtyping.model import EngineError

from .support import ROOT, MakeCorpus

GOOD_CASE = '"""Good."""\nx: int = 1\n'


def write_yaml(root: Path, text: str, name: str = "test_x.yml") -> Path:
    folder = root / "yaml"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_committed_yaml_cases_load() -> None:
    cases = load_yaml_cases(ROOT / "typing_tests" / "yaml")
    assert len(cases) >= 20
    assert all(c.main for c in cases)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- case: a\n  main: |\n    x = 1\n  out: [\n", 5, "malformed YAML"),
        ("- case: a\n  main: x = 1\n  outt: ''\n", 2, "unknown key(s) ['outt']"),
        ("- case: has space\n  main: x = 1\n", 2, "`case` is a name of letters, digits and underscores"),
        ("- case: a\n", 1, "has no `main`"),
        (
            "- case: a\n  main: |\n    x = 1\n  out: |\n    main:3: error: boom  [misc]\n",
            2,
            "a line that does not exist",
        ),
        ("- case: a\n  main: x = 1\n  out: |\n    not an output line\n", 2, "is not `file:line: severity: message`"),
        ("- case: a\n  main: x = 1\n- case: a\n  main: x = 2\n", 4, "case 'a' is defined twice (also line 2)"),
        ("{}\n", 1, "non-empty list of cases"),
        ("- case: a\n  main: x = 1\n  ? [k]\n  : v\n", 3, "found unhashable key"),
        (
            "- case: a\n  main: import b\n  files:\n    - b.py:\n      content: x = 1\n",
            2,
            "`files` entry has no `path`",
        ),
    ],
    ids=[
        "syntax",
        "unknown-key",
        "bad-name",
        "no-main",
        "line-out-of-range",
        "bad-out",
        "duplicate",
        "not-a-list",
        "unhashable-key",
        "file-without-path",
    ],
)
def test_malformed_yaml(make_corpus: MakeCorpus, text: str, line: int, message: str) -> None:
    root = make_corpus({"check_good.py": GOOD_CASE})
    path = write_yaml(root, text)
    with pytest.raises(EngineError, match=re.escape(message)) as info:
        load_corpus(root)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_out_may_name_an_extra_file(make_corpus: MakeCorpus) -> None:
    root = make_corpus({"check_good.py": GOOD_CASE})
    write_yaml(
        root,
        """
        - case: multi
          main: |
            from app.jobs import run
          out: |
            app/jobs:2: error: boom  [misc]
          files:
            - path: app/jobs.py
              content: |
                x = 1
                def run() -> None: ...
        """,
    )
    (case,) = load_corpus(root).yaml_cases
    assert case.files == {"app/jobs.py": "x = 1\ndef run() -> None: ...\n"}


@pytest.mark.parametrize(
    ("skip", "skipped"),
    [
        ("False", False),
        ("sys.version_info >= (3, 0)", True),
        ("pytest.__name__ == 'pytest'", True),  # pytest is imported only for an expression that names it
        ("(lambda: pytest.__name__)() == 'pytest'", True),  # in a nested function too
        ("[n for n in [pytest.__name__]] == ['pytest']", True),
        ("platform.system() == 'NoSuchSystem' or os.sep == '?'", False),
    ],
)
def test_skip_is_evaluated_with_what_pytest_mypy_plugins_gives_it(tmp_path: Path, skip: str, skipped: bool) -> None:
    from bgtyping.engine import yamlrun

    path = write_yaml(tmp_path, f"- case: a\n  skip: {skip!r}\n  main: x = 1\n")
    (item,) = yamlrun.items(load_yaml_cases(path.parent), tmp_path)
    yamlrun.evaluate_skip(item)
    assert item.skipped is skipped


def test_a_skip_that_cannot_be_evaluated_names_its_case(tmp_path: Path) -> None:
    from bgtyping.engine import yamlrun

    path = write_yaml(tmp_path, "- case: a\n  skip: 'nosuchname'\n  main: x = 1\n")
    (item,) = yamlrun.items(load_yaml_cases(path.parent), tmp_path)
    with pytest.raises(EngineError, match=r"case 'a': `skip: nosuchname` cannot be evaluated: NameError"):
        yamlrun.evaluate_skip(item)
