"""Search keys: what an agent types on the phone must find what is on file, accents or not."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_NO_DECOMPOSITION: dict[str, str | int | None] = {"ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ı": "i"}
_TABLE = str.maketrans(_NO_DECOMPOSITION)


def fold(text: str) -> str:
    """Lower case, accents dropped, punctuation as single spaces: "Dózsa György út 5." → "dozsa gyorgy ut 5".

    Letters without a decomposition are mapped by hand (ł, ø, ß, đ), the rest by Unicode's NFKD.
    """
    text = text.lower().translate(_TABLE)
    ascii_only = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", ascii_only).strip()


def digits(text: str) -> str:
    """Only the digits: "+36 30 123 4567" and "0630/1234567" compare by their numbers."""
    return "".join(c for c in text if "0" <= c <= "9")
