"""Customer ids, meter serials and complaint reference numbers in mail text; reply/forward subject prefixes."""

from __future__ import annotations

import re
from collections.abc import Iterable

CUSTOMER_ID_LABELS = (
    "Felhasználó azonosító",
    "Felhasználói azonosító",
    "Ügyfélazonosító",
    "Numer klienta",
    "Nr klienta",
    "Cod client",
    "Cod de client",
    "Customer ID",
    "Customer number",
)
METER_SERIAL_LABELS = (
    "Mérő gyári száma",
    "Mérő gyári szám",
    "gyári szám",
    "Numer seryjny",
    "Numer licznika",
    "Serie contor",
    "Seria contorului",
    "Serial number",
    "Meter serial",
)
_KIND = {label.casefold(): "customer_id" for label in CUSTOMER_ID_LABELS} | {
    label.casefold(): "meter_serial" for label in METER_SERIAL_LABELS
}

_ALNUM_BEFORE = r"(?<![^\W_])"  # not preceded by a letter or digit
_ALNUM_AFTER = r"(?![^\W_])"
_GAP = r"[ \t\u00a0]"


def _label_pattern(label: str) -> str:
    return rf"{_GAP}+".join(re.escape(word) for word in label.split())


# Longest label first, so "Mérő gyári száma" wins over "gyári szám" at the same place.
_LABELS = sorted(_KIND, key=len, reverse=True)
_IDENTIFIER = re.compile(
    _ALNUM_BEFORE
    + "(?P<label>"
    + "|".join(_label_pattern(label) for label in _LABELS)
    + ")"
    + _ALNUM_AFTER
    # Possessive gaps: two optional runs of blanks side by side would otherwise backtrack quadratically.
    + rf"{_GAP}*+(?:(?:no\.|nr\.|(?:no|nr|number)(?![^\W_])|#){_GAP}*+)?"
    + rf":?{_GAP}*+"
    + r"(?P<value>[^\W_](?:[^\W_]|-)*)",
    re.IGNORECASE,
)
# The first word of every label, lower-case: a plain alternation scans text several times faster than
# the full pattern (whose leading look-behind defeats the regex engine's prefix search), so the full
# pattern is tried only where a label can start.
MAX_LABELS = 1000
_FIRST_WORDS = sorted({label.split()[0].casefold() for label in _KIND}, key=len, reverse=True)
_CANDIDATE = re.compile("|".join(re.escape(word) for word in _FIRST_WORDS))
_REFERENCE = re.compile(_ALNUM_BEFORE + r"[A-Z]{2,5}-[0-9]{4}-[0-9]{6}(?!\d)")


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def find_identifiers(*texts: str) -> dict[str, list[str]]:
    """Values written right after a label, on the same line, in order of first appearance.

    A value is a token of letters, digits and dashes that looks like a code: it has a digit, or it is
    written in capitals ("ABC-DEF"). A label used in a sentence ("a gyári szám nem olvasható",
    "nr klienta podany") is followed by an ordinary word, which is no identifier.
    """
    found: dict[str, list[str]] = {"customer_id": [], "meter_serial": []}
    for text in texts:
        for match in _label_matches(text):
            value = match.group("value").rstrip("-")
            if not _looks_like_code(value):
                continue
            kind = _KIND[" ".join(match.group("label").split()).casefold()]
            found[kind].append(value)
    return {kind: _unique(values) for kind, values in found.items()}


def _label_matches(text: str) -> Iterable[re.Match[str]]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: positions would not line up
        yield from _IDENTIFIER.finditer(text)
        return
    resume = 0
    found = 0
    for candidate in _CANDIDATE.finditer(lowered):
        if candidate.start() < resume:
            continue
        match = _IDENTIFIER.match(text, candidate.start())
        if match is not None:
            resume = match.end()
            found += 1
            if found > MAX_LABELS:
                return  # a real message quotes a few; thousands are a crafted message, not more evidence
            yield match


def _looks_like_code(value: str) -> bool:
    return any(ch.isdigit() for ch in value) or (len(value.replace("-", "")) >= 2 and value.isupper())


def find_references(*texts: str) -> list[str]:
    """`CODE-YYYY-NNNNNN` tokens in order of first appearance, without repeats."""
    return _unique(match.group() for text in texts for match in _REFERENCE.finditer(text))


_REPLY_WORDS = (
    "re|fwd?|tr|vs|sv|aw|wg|odp|pd|antw|rv|enc|doorst|"
    "vá|va|válasz|valasz|továbbítás|tovabbitas|továbbított|tovabbitott|"
    "răspuns|raspuns|rāspuns|redirecționat|redirecţionat|redirectionat"
)
_TAGS = "external|ext|extern|külső|kulso|zewnętrzny|zewnetrzny|zewn"
_PREFIX = re.compile(
    rf"\s*+(?:(?:{_REPLY_WORDS})\s*+(?:\[\d{{1,4}}\]|\(\d{{1,4}}\)|\^\d{{1,4}})?\s*+[:：]"
    rf"|\[(?:{_TAGS})\]|\*(?:{_TAGS})\*)\s*+",
    re.IGNORECASE,
)


def strip_subject_prefixes(subject: str) -> str:
    """The subject without any run of reply/forward prefixes (`Re[2]: Fwd: VS: Válasz: ...`) or [EXTERNAL] tags."""
    text = subject or ""
    for _ in range(100):
        match = _PREFIX.match(text)
        if match is None or match.end() == 0:
            break
        text = text[match.end() :]
    return " ".join(text.split())
