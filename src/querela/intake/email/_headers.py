"""Header blocks, structured header values (RFC 2045/2231 parameters), addresses and message ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from ._charset import ENCODED_WORD, decode_bytes, decode_header_bytes, decode_words

# Any printable ASCII except ':' may name a header; RFC 5322 allows no whitespace before the colon but
# some gateways add one.
_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]{1,200})[ \t]*:")
MAX_HEADER_LINES = 5000
MAX_VALUE_CHARS = 64 * 1024


@dataclass
class HeaderBlock:
    """Unfolded headers in order; names lower-case."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        for key, value in self.items:
            if key == name:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.items)


def _line_end(raw: bytes, pos: int, end: int) -> tuple[int, int]:
    """(end of the line's content, start of the next line)."""
    nl = raw.find(b"\n", pos, end)
    if nl < 0:
        return end, end
    stop = nl - 1 if nl > pos and raw[nl - 1] == 0x0D else nl
    return stop, nl + 1


def _unfold(first: bytes, continuations: list[bytes]) -> str:
    # RFC 5322 2.2.3: unfolding removes the line break only; the whitespace after it stays as written
    # (a tab stays a tab, as Python's email package also keeps it).
    value = decode_header_bytes(b"".join([first, *continuations]))
    return value.strip()[:MAX_VALUE_CHARS]


# Header names that, on the line after a garbled one, show the header block goes on.
_KNOWN_FIELDS = frozenset(
    {"received", "return-path", "delivered-to", "date", "from", "sender", "reply-to", "to", "cc", "bcc", "subject"}
    | {"message-id", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding"}
    | {"content-disposition", "authentication-results", "dkim-signature", "received-spf", "list-id"}
)


def _known_field_follows(raw: bytes, pos: int, end: int) -> bool:
    """The next line that is not a continuation is a header field we know (a few lines ahead at most)."""
    for _ in range(20):
        stop, after = _line_end(raw, pos, end)
        if stop > pos and raw[pos] in (0x20, 0x09):
            pos = after
            continue
        break
    match = _FIELD.match(raw, pos, stop)
    if match is None:
        return False
    name = match.group(1).lower()
    return name.startswith(b"x-") or name.decode("ascii") in _KNOWN_FIELDS


def parse_header_block(raw: bytes, start: int, end: int, defects: list[str], where: str) -> tuple[HeaderBlock, int]:
    """Read headers from raw[start:end]; returns them and where the body starts."""
    block = HeaderBlock()
    pos = start
    if pos == 0 and raw.startswith(b"From ") and not _FIELD.match(raw, 0, _line_end(raw, 0, end)[0]):
        pos = _line_end(raw, pos, end)[1]  # mbox envelope line ("From  : x" is a From header)
    name: str | None = None
    first = b""
    continuations: list[bytes] = []
    lines = 0

    def flush() -> None:
        if name is not None:
            block.items.append((name, _unfold(first, continuations)))

    while pos < end:
        stop, nxt = _line_end(raw, pos, end)
        line = raw[pos:stop]
        lines += 1
        if not line:
            flush()
            return block, nxt
        if lines > MAX_HEADER_LINES:
            defects.append(f"too many header lines in {where}; the rest is read as body")
            flush()
            return block, pos
        if line[:1] in (b" ", b"\t"):
            if name is not None:
                continuations.append(line)
                pos = nxt
                continue
            defects.append(f"header block of {where} starts with a continuation line")
            pos = nxt
            continue
        match = _FIELD.match(line)
        if match is None:
            if _known_field_follows(raw, nxt, end):
                # A garbled line among the headers ("quite Delivered-To: …", RFC 5322's "__" stand-in
                # for a blank line): the headers go on after it, so skip it rather than lose them.
                defects.append(f"unreadable header line in {where} skipped")
                pos = nxt
                continue
            flush()
            if block.items:
                defects.append(f"no blank line between the headers and the body of {where}")
            return block, pos
        flush()
        name = match.group(1).decode("ascii").lower()
        first = line[match.end() :]
        continuations = []
        pos = nxt
    flush()
    return block, end


def _split_top(value: str, separators: str) -> list[str]:
    """Split at separators outside quoted strings, comments, angle brackets and RFC 2047 encoded words
    (`=?iso-8859-1?Q?B=FCrling,=20Andreas?=` is one name, though its raw comma is not encoded)."""
    out: list[str] = []
    start = 0
    i = 0
    n = len(value)
    quote = False
    comment = 0
    angle = False
    while i < n:
        ch = value[i]
        if quote or comment:
            if ch == "\\":
                i += 2
                continue
            if quote:
                quote = ch != '"'
            else:
                comment += {"(": 1, ")": -1}.get(ch, 0)
        elif ch == "=" and value.startswith("=?", i):
            word = ENCODED_WORD.match(value, i)
            if word is not None:
                i = word.end()
                continue
        elif ch == '"':
            quote = True
        elif ch == "(":
            comment = 1
        elif ch == "<":
            angle = True
        elif ch == ">":
            angle = False
        elif ch in separators and not angle:
            out.append(value[start:i])
            start = i + 1
        i += 1
    out.append(value[start:])
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if value.startswith('"'):
        return value[1:]
    return value


def _plain_value(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        return _unquote(value)
    # A trailing RFC 822 comment is not part of an unquoted value ("us-ascii (Plain text)").
    if value.endswith(")"):
        opening = value.rfind("(")
        if opening > 0 and value[opening - 1].isspace() and "(" not in value[opening + 1 : -1]:
            value = value[:opening]
    return value.strip()


_SECTION = re.compile(r"^(.+?)\*(\d{1,3})(\*?)$")


def _rfc2231(segments: dict[int, tuple[bool, str]], defects: list[str], name: str) -> str:
    charset: str | None = None
    data = bytearray()
    ordered = sorted(segments)
    if ordered != list(range(len(ordered))):
        defects.append(f"RFC 2231 parameter {name!r} has missing sections")
    for index in ordered:
        encoded, text = segments[index]
        if encoded:
            if index == ordered[0] and text.count("'") >= 2:
                charset, _lang, text = text.split("'", 2)
            data += unquote_to_bytes(text)
        else:
            data += text.encode("utf-8")
    value = decode_bytes(bytes(data), charset or "utf-8", defects, f"parameter {name!r}")
    # Some clients split an RFC 2047 word across plain RFC 2231 sections.
    return decode_words(value, defects)


def parse_structured(value: str, defects: list[str]) -> tuple[str, dict[str, str]]:
    """`type/subtype; a=b; c*0*=...` -> ("type/subtype", {"a": ..., "c": ...}), parameters decoded."""
    parts = _split_top(value, ";")
    main = _plain_value(parts[0]).lower()
    simple: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[bool, str]]] = {}
    for part in parts[1:]:
        if "=" not in part:
            continue
        key, _, raw_value = part.partition("=")
        key = key.strip().lower()
        if not key:
            continue
        text = _plain_value(raw_value)
        section = _SECTION.match(key)
        if section:
            sections.setdefault(section.group(1), {})[int(section.group(2))] = (bool(section.group(3)), text)
        elif key.endswith("*"):
            sections.setdefault(key[:-1], {})[0] = (True, text)
        else:
            simple.setdefault(key, text)
    params = {key: decode_words(text, defects) for key, text in simple.items()}
    for key, segments in sections.items():
        params[key] = _rfc2231(segments, defects, key)  # RFC 2231 wins over a plain twin
    return main, params


_MSG_ID = re.compile(r"<([^<>]*)>")


def message_ids(value: str | None) -> list[str]:
    """Ids in angle brackets, whitespace removed; a bare id when there are no brackets."""
    if not value:
        return []
    found = ["".join(m.group(1).split()) for m in _MSG_ID.finditer(value)]
    found = [f for f in found if f]
    if found:
        return found
    if "<" in value:
        tail = "".join(value.split("<", 1)[1].split())
        return [tail] if tail else []
    tokens = value.split()
    return ([token for token in tokens if "@" in token] or tokens[:1])[:50]
