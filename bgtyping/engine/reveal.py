"""Revealed types as each checker spells them, read into one spelling so that they can be compared.

mypy writes `def (x: builtins.int, *, label: builtins.str =)`, pyright `(x: int, *, label: str = "a") -> None`
and ty `def job(x: int, *, label: str = "a") -> None`: the same type. `canonical` reads the common part
of these grammars (names, subscripts, unions, literals, plain callables) and gives one string for it;
anything outside that part (ParamSpec and TypeVar spellings, overloads, TypedDict and class-object
forms, regexes) is None, "cannot be read", which a caller must never treat as equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|(?P<arrow>->)|(?P<ellipsis>\.\.\.)"
    r"|(?P<name>[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)|(?P<number>-?\d+)|(?P<punct>[\[\](),|*=:/?]))"
)
# Spellings of one thing: typing's aliases, an unknown type, the coroutine object type.
_ALIASES = {
    "List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset", "Tuple": "tuple", "Type": "type",
    "Unknown": "Any", "CoroutineType": "Coroutine", "NoneType": "None",
}  # fmt: skip


class _Unreadable(Exception):
    pass


def canonical(text: str) -> str | None:
    """One spelling of a revealed type, or None when this reader cannot be sure what it says."""
    try:
        tokens = _tokens(text)
        parser = _Parser(tokens)
        result = parser.type()
        if parser.position != len(tokens):
            raise _Unreadable
    except _Unreadable:
        return None
    return result


def _tokens(text: str) -> list[str]:
    found: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _Unreadable
        position = match.end()
        token = match.group(match.lastgroup or "")
        if match.lastgroup == "string":
            token = "'" + token[1:-1].replace("\\'", "'").replace('\\"', '"').replace("'", "\\'") + "'"
        found.append(token)
    return found


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self, offset: int = 0) -> str | None:
        at = self.position + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise _Unreadable
        self.position += 1
        return token

    def type(self) -> str:
        members = [self.member()]
        while self.peek() == "|":
            self.take("|")
            members.append(self.member())
        return _union(part for member in members for part in _split_union(member))

    def member(self) -> str:
        token = self.peek()
        if token == "bound" and self.peek(1) == "method":  # ty: `bound method A.audit() -> None`
            self.take()
            self.take()
            name = self.take()
            if not re.fullmatch(r"[A-Za-z_][\w.]*", name) or self.peek() != "(":
                raise _Unreadable
            return self.signature(default_return=None)
        if token == "def":
            self.take()
            if self.peek() not in ("(", None):
                name = self.take()
                if not re.fullmatch(r"[A-Za-z_]\w*", name):  # `def [P] (...)`: a generic signature
                    raise _Unreadable
            return self.signature(default_return="None")
        if token == "(":
            start = self.position
            try:
                return self.signature(default_return=None)
            except _Unreadable:  # not a signature: a parenthesised type, `((x: int) -> None) | None`
                self.position = start
            self.take("(")
            inner = self.type()
            self.take(")")
            return inner
        if token is None or not re.fullmatch(r"[A-Za-z_][\w.]*", token):
            raise _Unreadable
        self.take()
        name = _short(token)
        if name == "Literal":
            return self.literal()
        args: list[str] | None = None
        if self.peek() == "[":
            args = self.arguments()
        self.marker()
        return _apply(name, args)

    def marker(self) -> None:
        if self.peek() in ("?", "*") and self.peek(1) in (None, ",", "]", "|", ")", "="):
            self.take()  # mypy's marks of an inferred type: `Literal[1]?`, `builtins.int*`

    def literal(self) -> str:
        self.take("[")
        values: list[str] = []
        while True:
            token = self.take()
            if token[0] not in "'\"-0123456789" and token not in ("True", "False", "None"):
                if not re.fullmatch(r"[A-Za-z_][\w.]*", token):  # an enum member keeps its dotted name
                    raise _Unreadable
                token = ".".join(token.split(".")[-2:])
            values.append(f"Literal[{token}]")
            if self.peek() == ",":
                self.take(",")
                continue
            break
        self.take("]")
        self.marker()
        return " | ".join(values)

    def arguments(self) -> list[str]:
        self.take("[")
        args: list[str] = []
        while self.peek() != "]":
            if self.peek() == "...":
                self.take()
                args.append("...")
            elif self.peek() == "[":  # Callable[[int], str]
                self.take("[")
                inner: list[str] = []
                while self.peek() != "]":
                    inner.append(self.type())
                    if self.peek() == ",":
                        self.take(",")
                self.take("]")
                args.append("[" + ", ".join(inner) + "]")
            elif self.peek() == "(" and self.peek(1) == ")":  # tuple[()]
                self.take("(")
                self.take(")")
                args.append("()")
            else:
                args.append(self.type())
            if self.peek() == ",":
                self.take(",")
            elif self.peek() != "]":
                raise _Unreadable
        self.take("]")
        return args

    def signature(self, default_return: str | None) -> str:
        self.take("(")
        params: list[str] = []
        while self.peek() != ")":
            params.append(self.parameter())
            if self.peek() == ",":
                self.take(",")
            elif self.peek() != ")":
                raise _Unreadable
        self.take(")")
        if self.peek() == "->":
            self.take("->")
            returns = self.member_or_union()
        elif default_return is not None:
            returns = default_return
        else:
            raise _Unreadable
        if params in (["*Any", "**Any"], ["..."]):  # mypy's `def (*Any, **Any)` is Callable[..., Any]
            params = ["..."]
        return _callable(", ".join(params), returns)

    def member_or_union(self) -> str:
        # A return type runs to the end of its signature: `-> int | None` is one union.
        return self.type()

    def parameter(self) -> str:
        if self.peek() in ("/", "..."):
            return self.take()
        stars = ""
        while self.peek() == "*":
            stars += self.take()
        if stars == "*" and self.peek() in (",", ")"):
            return "*"  # keyword-only marker
        token = self.peek()
        if token is not None and re.fullmatch(r"[A-Za-z_]\w*", token) and self.peek(1) == ":":
            name = self.take()
            self.take(":")
            annotation = self.type()
            text = f"{stars}{name}: {annotation}"
        else:
            text = stars + self.type()
        if self.peek() == "=":
            self.take("=")
            if self.peek() not in (",", ")"):
                self.default()
            text += " = ..."
        return text

    def default(self) -> None:
        token = self.take()
        if token == "-" or token in ("(", "["):
            raise _Unreadable


def _short(name: str) -> str:
    """`builtins.int`, `typing.Sequence`, `main.A`, `starlette.background.BackgroundTask`: the last part.

    Checkers other than mypy rarely print where a name is defined, so only the name itself compares.
    """
    if "@" in name or name.endswith((".args", ".kwargs")):
        raise _Unreadable
    short = name.rsplit(".", 1)[-1]
    return _ALIASES.get(short, short)


def _apply(name: str, args: list[str] | None) -> str:
    if name in ("ParamSpec", "TypeVar", "TypeVarTuple", "Overload", "TypedDict", "Unpack", "Concatenate"):
        raise _Unreadable
    if args is None:
        return name
    if name == "Optional" and len(args) == 1:
        return _union([*_split_union(args[0]), "None"])
    if name == "Union":
        return _union(part for arg in args for part in _split_union(arg))
    if name == "Callable" and len(args) == 2:
        params = "..." if args[0] == "..." else args[0].removeprefix("[").removesuffix("]")
        return _callable(params, args[1])
    return f"{name}[{', '.join(args)}]"


def _callable(params: str, returns: str) -> str:
    # A union return is bracketed, so that the callable stays one member of any union around it.
    return f"({params}) -> " + (f"({returns})" if len(_split_union(returns)) > 1 else returns)


def _union(parts: Iterable[str]) -> str:
    """Members sorted (their order means nothing), a callable member bracketed."""
    members = sorted({p.removeprefix("(").removesuffix(")") if _wrapped(p) else p for p in parts})
    if len(members) == 1:
        return members[0]
    return " | ".join(f"({m})" if m.startswith("(") and ") -> " in m else m for m in members)


def _wrapped(text: str) -> bool:
    """`((x: int) -> None)`: one bracket pair around a whole callable."""
    if not (text.startswith("((") and text.endswith(")")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += char in "[("
        depth -= char in "])"
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _split_union(text: str) -> list[str]:
    """The members of a canonical union (top level only: brackets and parentheses nest)."""
    parts: list[str] = []
    depth = 0
    current = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if depth == 0 and text.startswith(" | ", index):
            parts.append(current)
            current = ""
            index += 3
            continue
        current += char
        index += 1
    parts.append(current)
    return parts
