"""Whole numbers typed into addresses and forms. `str.isdigit` also accepts "²" and other digits that
`int` refuses, so a check with it let odd input through to a server error."""

from __future__ import annotations


def is_plain_number(text: str, max_digits: int = 18) -> bool:
    """ASCII digits only, at most `max_digits` of them."""
    return bool(text) and len(text) <= max_digits and text.isascii() and text.isdigit()


def plain_number(text: str | None, max_digits: int = 18) -> int | None:
    """The number `text` is, or None when it isn't a plain (ASCII) whole number of that many digits."""
    text = (text or "").strip()
    return int(text) if is_plain_number(text, max_digits) else None
