"""Mailboxes in address headers (RFC 5322 3.4): display names, angle addresses, comments, groups, and
the broken forms real mail uses — read without inventing or merging addresses, with the doubt said."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ._charset import decode_words
from ._headers import _split_top


@dataclass(frozen=True)
class Address:
    name: str | None
    address: str | None  # as written: case kept (compare case-insensitively where needed)
    doubt: str | None = None  # why the address may not be what the sender meant


def _clean_name(text: str, defects: list[str]) -> str | None:
    name = decode_words(text, defects)
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    return name or None


@dataclass
class _Tokens:
    """A mailbox's text split into what RFC 5322 tells apart: words (atoms and quoted strings, with the
    blanks between them), comments, and the angle-bracketed address."""

    words: list[tuple[str, bool]] = field(default_factory=list)  # (text, was quoted); " " for blanks
    comments: list[str] = field(default_factory=list)
    angle: str | None = None


def _close_quote(text: str, i: int) -> int:
    """Index after the quoted string starting at text[i] == '"'."""
    n = len(text)
    j = i + 1
    while j < n and text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return min(j + 1, n)


def _close_comment(text: str, i: int) -> int:
    """Index after the (possibly nested) comment starting at text[i] == '('."""
    depth, j, n = 1, i + 1, len(text)
    while j < n and depth:
        if text[j] == "\\":
            j += 1
        elif text[j] in "()":
            depth += 1 if text[j] == "(" else -1
        j += 1
    return j


def _tokens(text: str) -> _Tokens:
    out = _Tokens()
    i, n = 0, len(text)
    atom: list[str] = []

    def flush() -> None:
        if atom:
            out.words.append(("".join(atom), False))
            atom.clear()

    while i < n:
        ch = text[i]
        if ch == '"':
            flush()
            j = _close_quote(text, i)
            out.words.append((re.sub(r"\\(.)", r"\1", text[i + 1 : j - 1 if text[j - 1 : j] == '"' else j]), True))
            i = j
        elif ch == "(":
            j = _close_comment(text, i)
            out.comments.append(text[i + 1 : j - 1])
            i = j  # a comment separates nothing: pete(his account)@silly.test is pete@silly.test
        elif ch == "<" and out.angle is None:
            flush()
            close = text.find(">", i + 1)
            stop = n if close < 0 else close
            out.angle = text[i + 1 : stop]
            i = stop + 1
        elif ch in " \t\r\n":
            flush()
            if out.words and out.words[-1][0] != " ":
                out.words.append((" ", False))
            i += 1
        else:
            atom.append(ch)
            i += 1
    flush()
    return out


def _addr_spec(text: str) -> tuple[str, str | None]:
    """The address inside angle brackets: comments and folding blanks removed, case kept. Blanks that
    separate two words (not around '@' or '.') are not folding: then the word with the '@' is taken and
    the doubt said."""
    tokens = _tokens(text.rsplit(":", 1)[-1] if '"' not in text else text)  # drop an obsolete source route
    words = [(w if not quoted else '"' + w + '"') for w, quoted in tokens.words]
    joined: list[str] = []
    doubt = None
    for index, word in enumerate(words):
        if word == " ":
            before = joined[-1] if joined else ""
            after = words[index + 1] if index + 1 < len(words) else ""
            if before and after and not (before.endswith(("@", ".")) or after.startswith(("@", "."))):
                doubt = "blanks inside the address"
                joined.append(" ")
            continue
        joined.append(word)
    address = "".join(joined)
    if " " in address:
        candidates = [w for w in address.split(" ") if "@" in w]
        address = candidates[0] if candidates else address.replace(" ", "")
    return address.strip("."), doubt


_QUOTED = re.compile(r'"[^"]*"')


def _mailbox(text: str, defects: list[str]) -> list[Address]:
    tokens = _tokens(text)
    comment_name = _clean_name(" ".join(tokens.comments), defects) if tokens.comments else None
    if tokens.angle is not None:
        address, doubt = _addr_spec(tokens.angle)
        name = _clean_name("".join(w for w, _quoted in tokens.words), defects)
        if "@" not in address and address:
            doubt = doubt or "no @ in the address"
        return [Address(name or comment_name, address or None, doubt)]
    # No angle brackets: the word with an '@' is the address (a quoted local part belongs to it); the
    # other words are a display name written without the brackets. Blanks never join two words into
    # one address: "Test test@example.com" is Test at test@example.com, and two bare addresses are two.
    words: list[str] = [""]
    for word, quoted in tokens.words:
        if word == " ":
            words.append("")
        else:
            words[-1] += '"' + word + '"' if quoted else word
    words = [w for w in words if w]
    addresses = [w.strip(".") for w in words if "@" in _QUOTED.sub("q", w).strip("@")]
    others = [w for w in words if w.strip(".") not in addresses]
    name = _clean_name(" ".join(_QUOTED.sub(lambda m: m.group()[1:-1], w) for w in others), defects) or comment_name
    if not addresses:
        if name is None:
            return []
        return [Address(name, None, "no address")]
    doubt = None
    if len(addresses) > 1:
        doubt = "several addresses without a comma between them"
    elif others:
        doubt = "a display name without angle brackets"
    return [Address(name if len(addresses) == 1 else None, a, doubt) for a in addresses]


def parse_addresses(value: str, defects: list[str]) -> list[Address]:
    out: list[Address] = []
    for chunk in _split_top(value, ",;"):
        # "Group name: a, b;" - the group label is not a mailbox.
        groups = _split_top(chunk, ":")
        if len(groups) > 1 and "@" not in groups[0] and "<" not in groups[0]:
            chunk = ":".join(groups[1:])
        out += _mailbox(chunk.strip(), defects)
    return out
