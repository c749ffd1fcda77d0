"""Active content in a PDF: what a reader would run or open by itself — JavaScript, launching a program,
embedded files, actions that fire on their own, Flash or media, XFA forms — found without a PDF library.

How, and why this way:
- A reader finds objects through the cross-reference table, which may point anywhere, even into what
  looks like a stream's bytes; so every byte is looked at, none is skipped on the file's say-so.
- Outside streams every listed name counts. Inside a stream's bytes (compressed pictures and fonts:
  random-looking bytes, where "/JS" turns up by chance every few megabytes) only names of three letters
  or more count; the two-letter ones (/JS, /AA) never act without a longer one beside them (/JavaScript,
  /Launch …) that is looked for everywhere.
- Object streams (PDF 1.5: dictionaries packed into a compressed stream) are inflated, within a budget,
  and read like the rest. One that can't be read (encrypted, damaged, a compression not handled here)
  makes the file uncheckable rather than clean.
- Names are compared after their #xx escapes are decoded: /J#61vaScript is /JavaScript.
- One pass front to back; the work (`steps`) is at most twice the file's size plus what is inflated.

Pure: no Django, never raises on any bytes.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

# Every name that makes a PDF act, with what it is called in the refusal.
ACTIVE_NAMES: dict[bytes, str] = {
    b"JavaScript": "javascript",
    b"JS": "javascript",
    b"Launch": "launch",
    b"EmbeddedFile": "embedded_file",
    b"EmbeddedFiles": "embedded_file",
    b"AA": "automatic_action",
    b"RichMedia": "rich_media",
    b"XFA": "xfa",
}
_LONG_ENOUGH_IN_STREAMS = 3
# What object streams may inflate to, in all: far above any real document's dictionaries.
INFLATE_BUDGET = 64 * 1024 * 1024
# How far before `stream` its dictionary is looked for.
_DICT_WINDOW = 4096

# A name: a slash, then regular characters (PDF 32000-1, 7.2.2 and 7.3.5).
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# The keyword that starts a stream's bytes: after a dictionary's `>>`, ended by an end of line.
_STREAM_START = re.compile(rb">>[\x00\t\n\x0c\r ]*stream(?:\r\n|\n|\r)")
_ENDSTREAM = b"endstream"
_INFLATE_FILTERS = {b"FlateDecode", b"Fl"}
_FILTER_NAMES = {
    b"ASCIIHexDecode",
    b"ASCII85Decode",
    b"LZWDecode",
    b"RunLengthDecode",
    b"CCITTFaxDecode",
    b"JBIG2Decode",
    b"DCTDecode",
    b"JPXDecode",
    b"Crypt",
    b"AHx",
    b"A85",
    b"LZW",
    b"RL",
    b"CCF",
    b"DCT",
}


@dataclass(frozen=True)
class PdfFindings:
    active: frozenset[str]  # values of ACTIVE_NAMES found
    uncheckable: str  # "" or why part of the file could not be read: "encrypted_or_damaged", "filter", "budget"
    steps: int  # bytes examined plus bytes inflated: the work done


def _decoded(name: bytes) -> bytes:
    if b"#" not in name:
        return name
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


def _names(chunk: bytes) -> list[bytes]:
    return [_decoded(m.group(1)) for m in _NAME.finditer(chunk)]


def _active_in(chunk: bytes, *, min_length: int = 0) -> set[str]:
    found: set[str] = set()
    for name in _names(chunk):
        if len(name) >= min_length and name in ACTIVE_NAMES:
            found.add(ACTIVE_NAMES[name])
    return found


def _stream_dictionary(data: bytes, start: int, end: int) -> set[bytes]:
    """The names of the dictionary just before a stream: from the last `obj` keyword (or at most a few
    kilobytes back, never before where this region began)."""
    window = data[max(start, end - _DICT_WINDOW) : end]
    obj = window.rfind(b"obj")
    return set(_names(window[obj + 3 :] if obj >= 0 else window))


def _is_object_stream(names: set[bytes]) -> bool:
    # Readers take an object stream by its number, some without looking at /Type: /N and /First tell it too.
    return b"ObjStm" in names or {b"N", b"First"} <= names


def _inflate(body: bytes, budget: int) -> bytes | None:
    """The inflated bytes, at most `budget` + 1 of them; None if they are not zlib data."""
    try:
        return zlib.decompressobj().decompress(body, budget + 1)
    except zlib.error:
        return None


def scan_pdf(data: bytes, *, inflate_budget: int = INFLATE_BUDGET) -> PdfFindings:
    active: set[str] = set()
    uncheckable = ""
    steps = 0
    budget = inflate_budget
    pos = 0
    while pos <= len(data):
        m = _STREAM_START.search(data, pos)
        region_end = m.start() + 2 if m else len(data)
        # Dictionaries, arrays, the trailer: every active name counts here.
        active |= _active_in(data[pos:region_end])
        steps += region_end - pos
        if m is None:
            break
        body_start = m.end()
        end = data.find(_ENDSTREAM, body_start)
        body_end = end if end >= 0 else len(data)
        body = data[body_start:body_end]
        active |= _active_in(body, min_length=_LONG_ENOUGH_IN_STREAMS)
        steps += len(body)
        dictionary = _stream_dictionary(data, pos, m.start() + 2)
        steps += min(_DICT_WINDOW, m.start() + 2 - pos)
        if _is_object_stream(dictionary):
            filters = dictionary & (_INFLATE_FILTERS | _FILTER_NAMES)
            if not filters:
                packed: bytes | None = body  # an object stream stored as it is
            elif filters <= _INFLATE_FILTERS and b"Predictor" not in dictionary:
                packed = _inflate(body, budget)
            else:
                packed, uncheckable = None, uncheckable or "filter"
            if packed is None:
                uncheckable = uncheckable or "encrypted_or_damaged"
            elif len(packed) > budget:
                uncheckable = uncheckable or "budget"
            else:
                if packed is not body:
                    budget -= len(packed)
                    steps += len(packed)
                active |= _active_in(packed)
        pos = body_end + len(_ENDSTREAM) if end >= 0 else len(data) + 1
    return PdfFindings(active=frozenset(active), uncheckable=uncheckable, steps=steps)
