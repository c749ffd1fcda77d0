"""Bytes to text for mail: declared charsets, legacy fallbacks and RFC 2047 encoded words. Never raises."""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from chardetng_py import detect

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
    # The GB family: senders label GBK (and GB 18030) text as GB2312; gb18030 is the superset of all.
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "chinese": "gb18030",
    # Likewise the supersets that mail clients really write under the older names.
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "big5": "big5hkscs",
}
# Escape sequences of ISO-2022-JP (RFC 1468): 7-bit text that is Japanese, labelled or not.
_ISO_2022_JP = re.compile(rb"\x1b(?:\$[@B]|\([BJ])")
DETECT_SAMPLE_BYTES = 1 << 20
_SINGLE_BYTE = frozenset(
    codecs.lookup(name).name
    for name in (
        *(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 9, 10, 13, 14, 15, 16)),
        *(f"cp{n}" for n in range(1250, 1259)),
        "latin-1",
        "mac-roman",
        "mac-latin2",
    )
)
# The sender's country (ccTLD of the From domain or the supplier's country): legacy 8-bit text from a
# .hu sender is windows-1250 far more often than windows-1252, and a short header gives the detector
# little else to go on.
_REGION: ContextVar[str | None] = ContextVar("querela_mail_region", default=None)


@contextmanager
def region(code: str | None) -> Iterator[None]:
    token = _REGION.set(code.lower() if code and len(code) == 2 and code.isalpha() and code.isascii() else None)
    try:
        yield
    finally:
        _REGION.reset(token)


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
    """Unlabelled (or mislabelled) bytes: UTF-8 when valid, ISO-2022-JP by its escapes, otherwise the
    legacy charset a detector (Firefox's chardetng) reads from the bytes, never a lossy fixed guess."""
    if data.isascii():
        if _ISO_2022_JP.search(data):
            try:
                return data.decode("iso-2022-jp")
            except UnicodeDecodeError:
                pass
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    tld = _REGION.get()
    name = detect(data[:DETECT_SAMPLE_BYTES], allow_utf8=False, tld=tld.encode("ascii") if tld else None)
    codec = lookup(name) or "cp1252"
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return data.decode(codec, errors="replace")


def decode_bytes(data: bytes, charset: str | None, defects: list[str], what: str) -> str:
    """Decode with the declared charset; on unknown charsets or bad bytes fall back and record why."""
    if not data:
        return ""
    if charset is None or not charset.strip():
        if data.isascii() and b"\x1b" not in data:
            return data.decode("ascii")
        return _guess(data)
    codec = lookup(charset)
    if codec is None:
        defects.append(f"unknown charset {charset.strip()[:60]!r} in {what}")
        return _guess(data)
    if codec in _SINGLE_BYTE and not data.isascii() and _is_utf8(data):
        # A single-byte charset decodes anything, so a UTF-8 text under a latin label never "fails";
        # but real latin text almost never forms valid multi-byte UTF-8 throughout: trust the bytes.
        defects.append(f"UTF-8 text labelled {charset.strip()[:60]!r} in {what}; read as UTF-8")
        return data.decode("utf-8")
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError, TypeError):
        pass
    defects.append(f"undecodable bytes for charset {charset.strip()[:60]!r} in {what}")
    # A wrong label (8-bit text called us-ascii, UTF-8 called latin-2) lies about the charset, not the
    # text: valid UTF-8 and the detector's reading come before any lossy decoding.
    if codec == "ascii" or _is_utf8(data):
        return _guess(data)
    try:
        return data.decode(codec, errors="replace")
    except Exception:  # a codec that fails even with errors="replace" must not stop the parse
        return data.decode("latin-1")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_header_bytes(raw: bytes) -> str:
    """Raw header bytes: ASCII normally, UTF-8 under SMTPUTF8, legacy 8-bit (or bare ISO-2022-JP) from
    broken clients."""
    if raw.isascii() and b"\x1b" not in raw:
        return raw.decode("ascii")
    return _guess(raw)


# charset, optional RFC 2231 language, encoding, text: each piece is bounded by '?', so matching is linear.
# The encoded text may contain blanks (clients that fold inside a word, or never encode a space): read
# leniently, as mail clients do. It can't contain '?', so two candidate words never overlap.
ENCODED_WORD = re.compile(r"=\?([^?\s*]{1,60})(?:\*[^?\s]{0,40})?\?([QqBb])\?([^?]*)\?=")
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
    for match in ENCODED_WORD.finditer(text):
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
