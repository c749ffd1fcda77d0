"""HTML to readable text for mail bodies.

A small forward-only tokenizer rather than html.parser: HTMLParser is quadratic on some malformed input
(thousands of unclosed `<a`), and mail HTML is attacker-controlled. Every search here moves forward or
ends the scan, so the work is linear in the input.
"""

from __future__ import annotations

import html
import re

MAX_HTML_CHARS = 2_000_000

_BREAK_BEFORE_AND_AFTER = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "pre", "ul", "ol", "dl", "hr", "address"}
    | {"figure", "fieldset", "form", "center"}
)
_LINE = frozenset(
    {"div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "main", "nav", "aside", "caption"}
    | {"tbody", "thead", "tfoot", "body", "html", "summary", "details", "legend", "figcaption", "dir", "menu"}
    | {"frameset", "frame"}
)
_CELL = frozenset({"td", "th"})
_RAW_TEXT = frozenset({"script", "style", "title", "template", "textarea", "xmp"})
_TAG_NAME = re.compile(r"(/?)([A-Za-z][A-Za-z0-9:._-]{0,60})")
_TAG_START = re.compile(r"<(?:[A-Za-z!?]|/[A-Za-z])")
_TAG_STOP = re.compile(r"[>\"']")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_CLOSE_RAW = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _RAW_TEXT}


class _Scanner:
    def __init__(self, source: str) -> None:
        self.s = source
        self.out: list[str] = []
        self.pre = 0
        self.breaks = 0  # line breaks owed before the next text
        self.cell = False  # a table cell started since the last text
        # Where a search for a quote character last failed: it will fail from any later position too.
        self.no_more: dict[str, int] = {}

    def text(self, chunk: str) -> None:
        if not chunk:
            return
        chunk = html.unescape(chunk)
        chunk = chunk.replace("\u00a0", " ") if self.pre else _SPACES.sub(" ", chunk)
        if chunk == " " and (self.breaks or not self.out):
            return  # indentation between block tags
        if self.breaks and self.out:
            self.out.append("\n" * self.breaks)
        elif self.cell and self.out:
            self.out.append("\t")
        elif not self.pre and chunk.startswith(" ") and self.out and self.out[-1].endswith(" "):
            chunk = chunk[1:]  # "a <b> b</b>": the gap is one space, not two
        self.breaks, self.cell = 0, False
        self.out.append(chunk)

    def tag_end(self, pos: int) -> int:
        """Index of the '>' closing a tag whose attributes start at pos, or -1."""
        while True:
            match = _TAG_STOP.search(self.s, pos)
            if match is None:
                return -1
            char = match.group()
            if char == ">":
                return match.start()
            if self.no_more.get(char, len(self.s) + 1) <= match.start():
                close = -1
            else:
                close = self.s.find(char, match.start() + 1)
                if close < 0:
                    self.no_more[char] = match.start()
            if close < 0:
                # An unbalanced quote: end the tag at the next '>' like a forgiving browser would.
                return self.s.find(">", match.start() + 1)
            pos = close + 1

    def element(self, name: str, closing: bool) -> None:
        if name == "pre":
            self.pre = max(0, self.pre + (-1 if closing else 1))
        if name == "br":
            self.breaks = min(self.breaks + 1, 3)
        elif name in _BREAK_BEFORE_AND_AFTER:
            self.breaks = 2
        elif name in _LINE:
            self.breaks = max(self.breaks, 1)
        elif name in _CELL and not closing:
            self.cell = True

    def run(self) -> str:
        s, n, pos = self.s, len(self.s), 0
        while pos < n:
            found = _TAG_START.search(s, pos)
            if found is None:
                self.text(s[pos:])
                break
            lt = found.start()
            self.text(s[pos:lt])
            if s.startswith("<!--", lt):
                end = s.find("-->", lt + 4)
                if end < 0:
                    break
                pos = end + 3
                continue
            match = _TAG_NAME.match(s, lt + 1)
            if match is None:  # doctype, CDATA, processing instruction
                end = s.find(">", lt + 2)
                if end < 0:
                    break
                pos = end + 1
                continue
            end = self.tag_end(match.end())
            if end < 0:
                break  # an unclosed tag at the end of the document shows nothing
            closing, name = match.group(1) == "/", match.group(2).lower()
            pos = end + 1
            self.element(name, closing)
            if name in _RAW_TEXT and not closing and s[end - 1 : end] != "/":
                close = None if self.no_more.get(name, n + 1) <= pos else _CLOSE_RAW[name].search(s, pos)
                if close is not None:
                    pos = close.end()
                    self.element(name, True)
                elif name != "title":
                    break  # an unterminated script or style swallows the rest, as in a browser
                else:
                    self.no_more[name] = min(pos, self.no_more.get(name, pos))
        return _tidy("".join(self.out))


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        cells = [cell.strip(" ") for cell in line.split("\t")]
        lines.append("\t".join(cell for cell in cells if cell))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def html_to_text(source: str) -> str:
    """Readable text of an HTML document: blocks on their own lines, table cells tab-separated,
    script/style/title dropped, entities decoded, whitespace collapsed outside <pre>."""
    return _Scanner(source[:MAX_HTML_CHARS]).run()
