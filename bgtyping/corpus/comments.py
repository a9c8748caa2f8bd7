"""Comments of a case, and which of their lines also hold code: where a line's claims are read from."""

from __future__ import annotations

import re

# Strings (any prefix; triple-quoted ones span lines) and comments of a case in this interpreter's syntax,
# which `ast.parse` has already accepted: a `#` is a comment exactly when no string holds it. One regex
# search over the source, several times faster than `tokenize`; a test holds the two equal on the corpus.
_STRING_OR_COMMENT = re.compile(
    r"(?:[rRbBuUfF]{1,2})?"
    r"(?:'''(?:\\.|[^\\])*?'''"
    r'|"""(?:\\.|[^\\])*?"""'
    r"|'(?:\\.|[^\\'\n])*'"
    r'|"(?:\\.|[^\\"\n])*")'
    r"|(?P<comment>#[^\r\n]*)",
    re.DOTALL,
)


def find_comments(source: str) -> tuple[list[tuple[int, str]], set[int]]:
    """The comments (line, text) of valid source in this interpreter's syntax, and which of their lines
    also hold code (a comment after code ends that line; one alone on its line stands apart)."""
    comments: list[tuple[int, str]] = []
    code_lines: set[int] = set()
    line, counted = 1, 0
    for match in _STRING_OR_COMMENT.finditer(source):
        if match.lastgroup != "comment":
            continue
        start = match.start()
        line += source.count("\n", counted, start)
        counted = start
        comments.append((line, match.group()))
        if source[source.rfind("\n", 0, start) + 1 : start].strip():
            code_lines.add(line)
    return comments, code_lines


_STRING_START = re.compile(r"(?i)(rb|br|fr|rf|tr|rt|b|r|u|f|t)?('\'\'|\"\"\"|'|\")")


def scan_comments(source: str) -> tuple[list[tuple[int, str]], set[int]]:
    """Comments and code lines of source in syntax newer than this interpreter (PEP 701 f-strings).

    A small scanner instead of `tokenize`, which on 3.11 reads `f"{"#"}"` as a string and a comment.
    """
    return _Scanner(source).run()


class _Scanner:
    def __init__(self, source: str) -> None:
        self.s, self.i, self.line = source, 0, 1
        self.comments: list[tuple[int, str]] = []
        self.code: set[int] = set()

    def run(self) -> tuple[list[tuple[int, str]], set[int]]:
        self.code_mode(in_field=False)
        return self.comments, self.code

    def step(self, count: int = 1) -> None:
        self.line += self.s.count("\n", self.i, self.i + count)
        self.i += count

    def code_mode(self, *, in_field: bool) -> str:
        """Scan code; inside an f-string field, stop at its `}` or format-spec `:` and say which."""
        s, depth = self.s, 0
        while self.i < len(s):
            c = s[self.i]
            if c == "#":
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                self.comments.append((self.line, s[self.i : end]))
                self.i = end
                continue
            if c in " \t\r\n\f\\":
                self.step()
                continue
            start = _STRING_START.match(s, self.i)
            after_name = self.i > 0 and (s[self.i - 1].isalnum() or s[self.i - 1] == "_")
            if start is not None and (start.group(1) is None or not after_name):
                self.string(start.group(1) or "", start.group(2))
                continue
            if in_field:
                if c in "([{":
                    depth += 1
                elif c in ")]" or (c == "}" and depth > 0):
                    depth -= 1
                elif c == "}" or (c == ":" and depth == 0):
                    return c
            self.code.add(self.line)
            self.step()
        return ""

    def string(self, prefix: str, quote: str) -> None:
        s = self.s
        formatted = any(ch in prefix.lower() for ch in "ft")
        self.code.add(self.line)
        self.step(len(prefix) + len(quote))
        while self.i < len(s):
            self.code.add(self.line)
            if s.startswith(quote, self.i):
                self.step(len(quote))
                return
            c = s[self.i]
            if c == "\\" or (formatted and s.startswith("{{", self.i)):
                self.step(2)
            elif formatted and c == "{":
                self.step()
                self.field()
            elif c == "\n" and len(quote) == 1:
                return  # unterminated: the checkers will say so
            else:
                self.step()

    def field(self) -> None:
        if self.code_mode(in_field=True) == ":":
            self.step()
            while self.i < len(self.s) and self.s[self.i] != "}":  # the format spec, with nested fields
                if self.s[self.i] == "{":
                    self.step()
                    self.field()
                else:
                    self.code.add(self.line)
                    self.step()
        if self.i < len(self.s) and self.s[self.i] == "}":
            self.step()
