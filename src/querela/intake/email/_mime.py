"""The MIME tree of a raw message as byte offsets into it, and transfer decoding.

Parts keep offsets rather than copies, so a 20 MB attachment is copied only when it is decoded.
"""

from __future__ import annotations

import binascii
import io
import re
from dataclasses import dataclass, field

from ._headers import HeaderBlock, parse_header_block, parse_structured

MAX_DEPTH = 100  # far beyond real mail; bounds the work a crafted message can cause
MAX_PARTS = 500
_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]{1,100}/[a-z0-9!#$&^_.+-]{1,100}")
_IDENTITY = {"", "7bit", "8bit", "binary", "7-bit", "8-bit"}
_B64_CHUNK = 1 << 20
_WHITESPACE = b" \t\r\n"
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_ALPHABET_OR_PAD = bytes(c for c in range(256) if c not in _ALPHABET + b"=")
_BAD_QP = re.compile(rb"=(?![0-9A-Fa-f]{2}|[ \t]*\r?\n|[ \t]*$)")


@dataclass
class Part:
    headers: HeaderBlock
    content_type: str
    params: dict[str, str]
    disposition: str
    disposition_params: dict[str, str]
    encoding: str
    start: int
    end: int
    where: str
    children: list[Part] = field(default_factory=list)

    @property
    def is_multipart(self) -> bool:
        return self.content_type.startswith("multipart/")

    @property
    def filename(self) -> str | None:
        name = (self.disposition_params.get("filename") or self.params.get("name") or "").strip()
        return name or None

    def walk(self) -> list[Part]:
        """This part and its descendants, depth first."""
        out: list[Part] = []
        stack = [self]
        while stack:
            part = stack.pop()
            out.append(part)
            stack.extend(reversed(part.children))
        return out


@dataclass
class _Budget:
    """Work a crafted message may cause: parts read, and bytes scanned for boundaries. Nested
    multiparts each scan the bytes they enclose, so without a cap 100 levels around a large body cost
    100 scans of it; the cap keeps the whole parse linear in the message's size."""

    parts: int
    scan_bytes: int

    def scan(self, size: int) -> bool:
        self.scan_bytes -= size
        return self.scan_bytes >= 0


SCAN_FACTOR = 16  # real mail nests a handful of levels; each scans at most the whole message once
SCAN_ALLOWANCE = 4 << 20


def parse_tree(raw: bytes, defects: list[str]) -> Part:
    budget = _Budget(parts=MAX_PARTS, scan_bytes=SCAN_FACTOR * len(raw) + SCAN_ALLOWANCE)
    return _part(raw, 0, len(raw), "text/plain", 0, defects, budget, "the message")


def _encoding(headers: HeaderBlock) -> str:
    value = (headers.get("content-transfer-encoding") or "").strip().lower()
    return value.split(";", 1)[0].split(None, 1)[0] if value else ""


def _part(
    raw: bytes, start: int, end: int, default_type: str, depth: int, defects: list[str], budget: _Budget, where: str
) -> Part:
    headers, body_start = parse_header_block(raw, start, end, defects, where)
    content_type, params = default_type, dict[str, str]()
    declared = headers.get("content-type")
    if declared is not None:
        content_type, params = parse_structured(declared, defects)
        if not _TYPE.fullmatch(content_type):
            defects.append(f"invalid Content-Type {content_type[:60]!r} in {where}; read as text/plain")
            content_type = "text/plain"
    disposition, disposition_params = "", dict[str, str]()
    declared_disposition = headers.get("content-disposition")
    if declared_disposition is not None:
        disposition, disposition_params = parse_structured(declared_disposition, defects)
    part = Part(
        headers, content_type, params, disposition, disposition_params, _encoding(headers), body_start, end, where
    )
    if part.is_multipart:
        if depth >= MAX_DEPTH:
            defects.append(f"MIME nesting deeper than {MAX_DEPTH} levels at {where}; not descended into")
        elif not budget.scan(end - body_start):
            defects.append(f"MIME structure too large to read at {where}; not descended into")
        else:
            _split(raw, part, depth, defects, budget)
    return part


# A delimiter line: "--" boundary, "--" again for the close delimiter, blanks, the line end. The leading
# line break is part of the pattern, so the regex engine's fast literal search finds candidates and a
# lookalike in the middle of a line costs nothing in Python.
_DELIMITER_TAIL = rb"(--)?[ \t]*+\r?(?:\n|\Z)"
# Lines that look like a delimiter, for a multipart that lacks (or never uses) its boundary parameter.
_ANY_DELIMITER = re.compile(rb"\n--([^\s]{1,200}?)(?:--)?[ \t]*+\r?(?=\n|\Z)")
MAX_GUESS_LINES = 2000


def _delimiters(raw: bytes, start: int, end: int, boundary: bytes) -> list[tuple[int, int, bool]]:
    """(line start, start of the following line, is the close delimiter) of each boundary line."""
    marker = b"--" + boundary
    tail = re.compile(re.escape(marker) + _DELIMITER_TAIL)
    anywhere = re.compile(b"\n" + re.escape(marker) + _DELIMITER_TAIL)
    found: list[tuple[int, int, bool]] = []
    first = tail.match(raw, start, end)
    if first is not None:
        found.append((start, first.end(), first.group(1) is not None))
    if found and found[0][2]:
        return found
    for match in anywhere.finditer(raw, start, end):
        close = match.group(1) is not None
        found.append((match.start() + 1, match.end(), close))
        if close or len(found) > MAX_PARTS + 1:
            break
    return found


def _guess_boundary(raw: bytes, start: int, end: int) -> bytes | None:
    """A boundary the body actually uses: the first `--token` line whose token recurs."""
    seen: dict[bytes, int] = {}
    first = _ANY_DELIMITER.match(b"\n" + raw[start : start + 256])
    if first is not None:
        seen[first.group(1)] = 1
    for lines, match in enumerate(_ANY_DELIMITER.finditer(raw, start, end)):
        if lines >= MAX_GUESS_LINES:
            break
        token = match.group(1)
        if token in seen:
            seen[token] += 1
            if next(iter(seen)) == token:
                break  # the earliest candidate recurs: nothing later can come first
        elif len(seen) < 20:
            seen[token] = 1
    return next((token for token, count in seen.items() if count >= 2), None)


def _split(raw: bytes, part: Part, depth: int, defects: list[str], budget: _Budget) -> None:
    boundary = part.params.get("boundary", "").encode("utf-8", errors="replace")
    delimiters = _delimiters(raw, part.start, part.end, boundary) if boundary else []
    if not delimiters:
        guessed = _guess_boundary(raw, part.start, part.end)
        if guessed is not None:
            problem = "has no boundary parameter" if not boundary else "never uses its declared boundary"
            defects.append(f"{part.content_type} in {part.where} {problem}; split at the boundary the body uses")
            delimiters = _delimiters(raw, part.start, part.end, guessed)
    if not delimiters:
        defects.append(f"{part.content_type} in {part.where} has no boundary lines; body read as plain text")
        part.content_type, part.params = "text/plain", {}
        return
    child_type = "message/rfc822" if part.content_type == "multipart/digest" else "text/plain"
    closed = False
    for index, (_line, after, close) in enumerate(delimiters):
        if close:
            closed = True
            break
        if index + 1 < len(delimiters):
            stop = delimiters[index + 1][0]
            # The line break before a boundary belongs to the boundary, not to the part.
            if stop > after and raw[stop - 1] == 0x0A:
                stop -= 1
                if stop > after and raw[stop - 1] == 0x0D:
                    stop -= 1
        else:
            stop = part.end
        if budget.parts <= 0:
            defects.append(f"more than {MAX_PARTS} MIME parts; the rest is not read")
            return
        budget.parts -= 1
        number = len(part.children) + 1
        where = f"part {number}" if part.where == "the message" else f"{part.where}.{number}"
        part.children.append(_part(raw, after, stop, child_type, depth + 1, defects, budget, where))
    if not part.children:
        defects.append(f"{part.content_type} in {part.where} contains no parts")
    if not closed:
        defects.append(f"{part.content_type} in {part.where} is not closed by its final boundary")


def _base64(raw: bytes, start: int, end: int, defects: list[str], where: str) -> bytes:
    out = io.BytesIO()
    carry = b""
    strict = True
    for pos in range(start, end, _B64_CHUNK):
        data = carry + raw[pos : min(end, pos + _B64_CHUNK)].translate(None, _WHITESPACE)
        carry = b""
        if strict:
            usable = len(data) - len(data) % 4
            try:
                out.write(binascii.a2b_base64(data[:usable], strict_mode=True))
                carry = data[usable:]
                continue
            except binascii.Error:
                strict = False
        data = data.translate(None, _NOT_ALPHABET_OR_PAD)
        pad = data.find(b"=")
        if pad >= 0:
            # Whatever follows the padding (a list footer, a second encoding) is not this payload.
            data = data[:pad]
        usable = len(data) - len(data) % 4
        out.write(binascii.a2b_base64(data[:usable]))
        carry = data[usable:]
        if pad >= 0:
            break
    if carry:
        tail = carry.translate(None, _NOT_ALPHABET_OR_PAD).split(b"=", 1)[0]
        if strict:
            defects.append(f"base64 in {where} is truncated or not padded")
        if len(tail) % 4 == 1:
            tail = tail[:-1]
        out.write(binascii.a2b_base64(tail + b"=" * (-len(tail) % 4)))
    if not strict:
        defects.append(f"bad base64 in {where}: invalid characters or data after the padding")
    return out.getvalue()


def _strip_line_ends(body: bytes) -> bytes:
    """Blanks at each line's end removed, in one pass (a regex anchored on the line end rescans a long
    run of blanks from every start position: quadratic in a run that is not at a line end)."""
    if b" \n" not in body and b"\t\n" not in body and b" \r" not in body and b"\t\r" not in body:
        return body.rstrip(b" \t")
    lines = body.split(b"\n")
    for index, line in enumerate(lines):
        if line.endswith(b"\r"):
            lines[index] = line[:-1].rstrip(b" \t") + b"\r"
        else:
            lines[index] = line.rstrip(b" \t")
    return b"\n".join(lines)


def payload(raw: bytes, part: Part, defects: list[str]) -> bytes:
    """The part body with its Content-Transfer-Encoding undone."""
    encoding = part.encoding
    if encoding == "base64":
        try:
            return _base64(raw, part.start, part.end, defects, part.where)
        except (binascii.Error, ValueError):
            defects.append(f"bad base64 in {part.where}")
            return b""
    body = raw[part.start : part.end]
    if encoding == "quoted-printable":
        if _BAD_QP.search(body):
            defects.append(f"bad quoted-printable in {part.where}")
        # RFC 2045 6.7 (3): blanks at the end of an encoded line were added in transport and are
        # dropped, so "=  " before a line break is still a soft break.
        return binascii.a2b_qp(_strip_line_ends(body))
    if encoding not in _IDENTITY:
        defects.append(f"unknown Content-Transfer-Encoding {encoding[:40]!r} in {part.where}; kept as is")
    return body
