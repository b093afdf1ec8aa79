"""Making text from strangers' calendars safe: one-line header values, plain text, addresses."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Every character str.splitlines() breaks on, plus the other C0/C1 controls: any
# of them inside a header value could start a new header in some reader.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")

# A deliberately plain address shape: ASCII local part without quoting, dotted
# domain with a letter TLD. Calendar addresses outside it are not worth the risk.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def one_line(text: str, limit: int = 200) -> str:
    """`text` with every line break and control character turned into a space, trimmed."""
    flat = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def is_plain_address(address: str) -> bool:
    """Whether `address` is a bare ASCII mailbox address safe to put in a header."""
    return bool(_ADDRESS.fullmatch(address)) and ".." not in address


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol"})
    _HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1
        elif tag == "li":  # a list stays a list: "- item", as people write one
            self.parts.append("\n- ")
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


_TAG = re.compile(r"<[^>]*>")
_BREAK_TAG = re.compile(r"<\s*/?\s*(br|p|div|li|tr|h[1-4]|ul|ol)\b[^>]*>", re.IGNORECASE)


def _strip_tags(markup: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except Exception:
        # Hostile or broken markup: a crude strip still never lets a tag through.
        return _TAG.sub("", _BREAK_TAG.sub("\n", markup))
    return "".join(extractor.parts)


_LOOKS_LIKE_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^>]*)?/?>|&[A-Za-z]+;|&#\d+;")


def plain_text(description: str) -> str:
    """A calendar description as plain text: tags dropped, entities decoded, lines kept."""
    if not _LOOKS_LIKE_HTML.search(description):
        return description.replace("\r\n", "\n").replace("\r", "\n")
    text = html.unescape(_strip_tags(description)).replace("\xa0", " ")
    lines = (line.strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


_LABELLED = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(.+?)\s*$")


def labelled_lines(text: str) -> dict[str, str]:
    """`Label: value` lines of a description, keyed by the lower-cased label (first wins)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _LABELLED.match(line)
        if match:
            found.setdefault(match.group(1).strip().lower(), match.group(2))
    return found
