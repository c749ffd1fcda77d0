"""Recovery codes: ten, shown once at set-up, each good for one sign-in when the phone is lost.

A code is 10 characters from an alphabet without look-alikes (about 50 bits), typed with or without its
hyphen, in any case. Such a code can't be guessed from its hash in any useful time, so a salted SHA-256 is
enough — a slow password hash would make each sign-in check ten of them slowly for nothing."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_LENGTH = 10


def new_codes(count: int = COUNT) -> list[str]:
    codes = []
    for _i in range(count):
        raw = "".join(secrets.choice(_ALPHABET) for _j in range(_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalize(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def looks_like_one(code: str) -> bool:
    """A recovery code's shape (not six digits): the sign-in form takes either in one field."""
    return len(normalize(code)) == _LENGTH and not normalize(code).isdigit()


def digest(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${hashlib.sha256((salt + normalize(code)).encode()).hexdigest()}"


def matches(code: str, stored: str) -> bool:
    salt, _sep, expected = stored.partition("$")
    actual = hashlib.sha256((salt + normalize(code)).encode()).hexdigest()
    return hmac.compare_digest(actual, expected)
