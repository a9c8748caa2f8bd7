"""One escaping rule per sink, applied where the text leaves the engine.

Everything a case, a checker or a results file supplies (names, docstrings, calls, messages, keys)
can hold any character. Each sink gets the rule that keeps such text inert there:

- `line`: one terminal line. Control characters and every character Python or a terminal treats as
  a line end are shown visibly (`\\n`, `\\x1b`, `\\u2028`), and a line that would start with `::`
  (a GitHub Actions workflow command, `::stop-commands::` among them) is shown as `\\::`.
- `lines`: text the engine composed of several lines: each line as `line`.
- `workflow_message` / `workflow_property`: the data and the properties of a `::error` command.
- `markdown_cell`: one cell of a Markdown table (job summary, RESULTS.md): one line, no HTML, `|` escaped.
- `xml`: text and attributes of the JUnit file: only characters XML 1.0 allows.
- `html_text` / `html_attribute`: the results page; `html_link` a link's target there, `script_json`
  the data it embeds for its script.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# C0 and C1 controls, DEL, the line and paragraph separators str.splitlines() honours, zero-width and
# bidirectional controls and the BOM (text that reads otherwise than it is), and lone surrogates (which
# no UTF-8 output can hold).
INVISIBLE = "\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@functools.cache  # compiled when first asked: a tenth of this module's import, and only reports need it
def _not_xml() -> re.Pattern[str]:
    """What XML 1.0 forbids (tab, LF and CR are allowed, so are the rest of the BMP but surrogates and two
    non-characters)."""
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def visible(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def first_invisible(text: str, allowed: str = "") -> str | None:
    """The first character `line` would have to show escaped, other than those allowed; None if none."""
    return next((m.group() for m in _INVISIBLE.finditer(text) if m.group() not in allowed), None)


def line(text: str) -> str:
    """One terminal line: nothing in it can end the line, colour the terminal or start a workflow command."""
    shown = _INVISIBLE.sub(lambda m: visible(m.group()), text)
    return "\\" + shown if shown.lstrip().startswith("::") else shown


def lines(text: str) -> str:
    """Text the engine wrote as several lines (a broken run's reasons): each line kept inert."""
    return "\n".join(line(part) for part in text.split("\n"))


def workflow_message(text: str) -> str:
    """The data of a workflow command: `%`, CR and LF encoded as the runner decodes them; controls visible."""
    kept = _INVISIBLE.sub(lambda m: m.group() if m.group() == "\n" else visible(m.group()), text)
    return kept.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value (`file=`, `title=`): as data, and `:` and `,` encoded too."""
    return workflow_message(text.replace("\n", " ")).replace(":", "%3A").replace(",", "%2C")


def markdown_cell(text: str) -> str:
    """One table cell of GitHub-flavoured Markdown: one line, no HTML, no cell break (code spans stay)."""
    return html.escape(line(text), quote=False).replace("|", "\\|")


def xml(text: str) -> str:
    """Text or an attribute value of an XML 1.0 document (ElementTree escapes `<`, `&` and quotes)."""
    return _not_xml().sub(lambda m: visible(m.group()), text)


def html_text(text: str) -> str:
    return html.escape(xml(text), quote=True)


def html_attribute(text: str) -> str:
    """A value for an attribute written in single or double quotes."""
    return html.escape(xml(text), quote=True)


def html_link(url: str) -> str | None:
    """An href value for a web address; None for anything else (`javascript:`, `data:`, a relative path)."""
    if not re.fullmatch(r"https?://[!-~]+", url):  # printable ASCII only: no space, control or separator
        return None
    return html_attribute(url)


def _xml_strings(value: object) -> object:
    if isinstance(value, str):
        return xml(value)
    if isinstance(value, dict):
        return {xml(str(k)): _xml_strings(v) for k, v in cast(dict[object, object], value).items()}
    if isinstance(value, list | tuple):
        return [_xml_strings(v) for v in cast(list[object], value)]
    return value


def script_json(value: object) -> str:
    """JSON to stand inside `<script type="application/json">`: no `<`, `>` or `&` (so no `</script>` or
    `<!--`), no raw line or paragraph separator, and its strings shown as `html_text` shows them."""
    text = json.dumps(_xml_strings(value), ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class ArgumentParser(argparse.ArgumentParser):
    """argparse quotes the arguments it refuses: shown as terminal lines, like every other output."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(lines(message), file)
