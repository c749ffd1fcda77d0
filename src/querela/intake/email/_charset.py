"""Bytes to text for mail: declared charsets, legacy fallbacks and RFC 2047 encoded words. Never raises."""

from __future__ import annotations

import binascii
import codecs
import re

# Mislabels seen in the wild that Python's codec registry does not know under these names.
_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "x-mac-ce": "mac-latin2",
    "windows-1250-2000": "cp1250",
    "x-cp1250": "cp1250",
    "win-1250": "cp1250",
    "windows1250": "cp1250",
    "ms-ee": "cp1250",
}
# Our senders write Hungarian, Polish or Romanian: when a legacy 8-bit text is unlabelled or mislabelled,
# Windows-1250 is the likeliest single-byte charset; latin-1 is the last resort because it never fails.
_REGIONAL_FALLBACK = "cp1250"


def lookup(charset: str | None) -> str | None:
    """The Python codec name for a declared charset, or None when it is unknown or not a text encoding."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").strip().lower()
    if not name or len(name) > 60:
        return None
    name = _ALIASES.get(name, name)
    for candidate in (name, name.removeprefix("x-"), name.replace("_", "-")):
        try:
            info = codecs.lookup(candidate)
        except (LookupError, ValueError):
            continue
        # bytes-to-bytes codecs (base64, zlib...) and text transforms (rot13) are not charsets.
        if getattr(info, "_is_text_encoding", True):
            return info.name
    return None


def _guess(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(_REGIONAL_FALLBACK)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_bytes(data: bytes, charset: str | None, defects: list[str], what: str) -> str:
    """Decode with the declared charset; on unknown charsets or bad bytes fall back and record why."""
    if not data:
        return ""
    if charset is None or not charset.strip():
        if data.isascii():
            return data.decode("ascii")
        return _guess(data)
    codec = lookup(charset)
    if codec is None:
        defects.append(f"unknown charset {charset.strip()[:60]!r} in {what}")
        return _guess(data)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError, TypeError):
        pass
    defects.append(f"undecodable bytes for charset {charset.strip()[:60]!r} in {what}")
    if codec == "ascii":
        # 8-bit text labelled us-ascii: the sender's client lied about the charset, not about the text.
        return _guess(data)
    try:
        return data.decode(codec, errors="replace")
    except Exception:  # a codec that fails even with errors="replace" must not stop the parse
        return data.decode("latin-1")


def decode_header_bytes(raw: bytes) -> str:
    """Raw header bytes: ASCII normally, UTF-8 under SMTPUTF8, legacy 8-bit from broken clients."""
    if raw.isascii():
        return raw.decode("ascii")
    return _guess(raw)


# charset, optional RFC 2231 language, encoding, text: each piece is bounded by '?', so matching is linear.
_ENCODED_WORD = re.compile(r"=\?([^?\s*]{1,60})(?:\*[^?\s]{0,40})?\?([QqBb])\?([^?\s]*)\?=")
_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")


def b64_lenient(data: bytes) -> tuple[bytes, bool]:
    """Decode base64 ignoring junk and missing padding; the flag says whether the input was clean."""
    cleaned = data.rstrip(b"=")
    clean = not _B64_JUNK.search(cleaned) and len(data) % 4 == 0
    cleaned = _B64_JUNK.sub(b"", cleaned)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned), clean
    except (binascii.Error, ValueError):
        return b"", False


def _word_bytes(encoding: str, text: str, defects: list[str]) -> bytes:
    raw = text.encode("utf-8", errors="replace")
    if encoding in "Qq":
        return binascii.a2b_qp(raw, header=True)
    decoded, clean = b64_lenient(raw)
    if not clean:
        defects.append("bad base64 in an RFC 2047 encoded word")
    return decoded


def decode_words(text: str, defects: list[str]) -> str:
    """Decode RFC 2047 encoded words anywhere in `text` (also inside quotes).

    Whitespace between adjacent encoded words is dropped, and adjacent words in the same charset are
    decoded together so a multi-byte character split across two words survives.
    """
    if "=?" not in text:
        return text
    # (charset, bytes) for encoded runs, (None, str) for literal text
    pieces: list[tuple[str | None, bytearray | str]] = []
    pos = 0
    previous_encoded = False
    for match in _ENCODED_WORD.finditer(text):
        between = text[pos : match.start()]
        if between and not (previous_encoded and between.isspace()):
            pieces.append((None, between))
        charset = match.group(1).lower()
        data = _word_bytes(match.group(2), match.group(3), defects)
        last = pieces[-1] if pieces else None
        if last is not None and last[0] == charset and isinstance(last[1], bytearray):
            last[1].extend(data)
        else:
            pieces.append((charset, bytearray(data)))
        pos = match.end()
        previous_encoded = True
    if pos < len(text):
        pieces.append((None, text[pos:]))
    out: list[str] = []
    for charset, value in pieces:
        if isinstance(value, str):
            out.append(value)
        else:
            out.append(decode_bytes(bytes(value), charset, defects, "an encoded header word"))
    return "".join(out)
