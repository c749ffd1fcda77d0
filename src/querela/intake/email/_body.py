"""Which MIME leaves are the readable body, and their text (charsets, format=flowed, HTML)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ._charset import decode_bytes
from ._mime import Part, payload
from .htmltext import html_to_text

TEXT_LIMIT_BYTES = 4_000_000
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def is_attachment(part: Part) -> bool:
    """README rule: a named leaf, whatever its disposition, or any message/rfc822 part."""
    if part.children:
        return False
    return part.filename is not None or part.content_type == "message/rfc822"


def is_body_leaf(part: Part) -> bool:
    return (
        not part.children
        and part.content_type in ("text/plain", "text/html")
        and not is_attachment(part)
        and part.disposition != "attachment"
    )


def unflow(text: str, delsp: bool) -> str:
    """RFC 3676: join soft-broken lines (ending in a space) of equal quote depth; undo space-stuffing."""
    out: list[str] = []
    pending: list[str] | None = None  # pieces of a paragraph still being joined
    pending_depth = 0

    def emit(depth: int, pieces: list[str]) -> None:
        content = "".join(pieces)
        out.append((">" * depth + " " + content) if depth else content)

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        # A quote-depth change or a signature separator ends the paragraph being joined.
        if pending is not None and (depth != pending_depth or content == "-- "):
            emit(pending_depth, pending)
            pending = None
        soft = content.endswith(" ") and content != "-- "
        if pending is None:
            pending, pending_depth = [], depth
        pending.append(content[:-1] if soft and delsp else content)
        if not soft:
            emit(depth, pending)
            pending = None
    if pending is not None:
        emit(pending_depth, pending)
    return "\n".join(out)


@dataclass
class Body:
    text: str
    html: str | None


class _Reader:
    def __init__(self, raw: bytes, defects: list[str]) -> None:
        self.raw = raw
        self.defects = defects
        self.cache: dict[int, str] = {}
        self.html_source: dict[int, str] = {}

    def text_of(self, part: Part) -> str:
        key = id(part)
        if key not in self.cache:
            self.cache[key] = self._decode(part)
        return self.cache[key]

    def _decode(self, part: Part) -> str:
        data = payload(self.raw, part, self.defects)
        if len(data) > TEXT_LIMIT_BYTES:
            self.defects.append(f"text of {part.where} is longer than {TEXT_LIMIT_BYTES} bytes; the rest is not read")
            data = data[:TEXT_LIMIT_BYTES]
        charset = part.params.get("charset")
        if part.content_type == "text/html" and not charset:
            sniffed = _META_CHARSET.search(data, 0, 4096)
            charset = sniffed.group(1).decode("ascii") if sniffed else None
        text = decode_bytes(data, charset, self.defects, f"the text of {part.where}")
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        if part.content_type == "text/html":
            self.html_source[id(part)] = text
            return html_to_text(text)
        if part.params.get("format", "").lower() == "flowed":
            return unflow(text, part.params.get("delsp", "").lower() == "yes")
        return text

    def has_plain(self, parts: list[Part]) -> bool:
        return any(p.content_type == "text/plain" and self.text_of(p).strip() for p in parts)

    def choose(self, part: Part) -> list[Part]:
        """Body leaves in reading order; for an alternative, the plain-text branch when it has text."""
        if not part.children:
            return [part] if is_body_leaf(part) else []
        options = [self.choose(child) for child in part.children]
        if part.content_type != "multipart/alternative":
            return [leaf for option in options for leaf in option]
        for option in options:
            if self.has_plain(option):
                return option
        return next((option for option in reversed(options) if option), [])


def read_body(raw: bytes, root: Part, defects: list[str]) -> Body:
    reader = _Reader(raw, defects)
    # Plain over HTML is chosen inside multipart/alternative only (choose); every other readable leaf,
    # an HTML message inside a mixed container included, is part of what the sender wrote, in order.
    texts: list[str] = []
    budget = TEXT_LIMIT_BYTES
    for part in reader.choose(root):
        text = reader.text_of(part).strip("\n")
        if not text.strip():
            continue
        if len(text) > budget:
            defects.append(f"the text is longer than {TEXT_LIMIT_BYTES} characters; the rest is in the raw mail")
            texts.append(text[:budget])
            break
        budget -= len(text)
        texts.append(text)
    text = "\n\n".join(texts)
    sources: list[str] = []
    for part in root.walk():
        if is_body_leaf(part) and part.content_type == "text/html":
            reader.text_of(part)
            sources.append(reader.html_source.get(id(part), ""))
    return Body(text=text, html="\n".join(sources) if sources else None)
