"""The TOTP secrets are encrypted at rest: a copy of the database (a backup, a replica) alone does not let
anyone make a person's codes. The key is `QUERELA_MFA_KEY`, or else derived from the secret key — keep
either out of the database and its backups. Changing it makes every device unreadable: each person then
sets theirs up again (a code that can't be checked is refused, never accepted)."""

from __future__ import annotations

import base64
import hashlib
from typing import cast

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    given = str(cast(str, settings.QUERELA.get("MFA_KEY", "")))
    material = given or f"querela.mfa:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(token: str) -> str | None:
    """The secret, or None when the key has changed since it was sealed."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
