"""One-time links sent by e-mail: verify an address, sign in, set a new password.

Each kind is Django's password-reset token with its own salt, so a link of one kind never works as
another. Every token hashes the user's password, last sign-in and active flag: signing in, changing
the password or verifying makes the link spent — each works once. Sign-in links also expire fast.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode


class _Token(PasswordResetTokenGenerator):
    max_age: int = 0  # seconds; 0: the installation's PASSWORD_RESET_TIMEOUT

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # Full precision: a sign-in within the same second as the last one still spends the link.
        login = "" if user.last_login is None else user.last_login.isoformat()
        return f"{user.pk}{user.password}{login}{timestamp}{user.is_active}{user.email}"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        if self.max_age and token:
            try:
                ts = base36_to_int(token.split("-")[0])
            except ValueError:
                return False
            return self._num_seconds(self._now()) - ts <= self.max_age
        return True


class _Verify(_Token):
    key_salt = "querela.accounts.verify"
    max_age = 3 * 86400


class _SignIn(_Token):
    key_salt = "querela.accounts.sign_in"
    max_age = 20 * 60


class _Reset(_Token):
    key_salt = "querela.accounts.reset"
    max_age = 86400


class _Invite(_Token):
    """A new supplier's first administrator sets their own password (the account has no usable one)."""

    key_salt = "querela.accounts.invite"
    max_age = 7 * 86400


class _Unlock(_Token):
    """Lifts a sign-in lock (`login_guard.py`); spent by the next sign-in."""

    key_salt = "querela.accounts.unlock"
    max_age = 3600


TOKENS: dict[str, _Token] = {
    "verify": _Verify(),
    "sign_in": _SignIn(),
    "reset": _Reset(),
    "invite": _Invite(),
    "unlock": _Unlock(),
    # Staff use the installation's own pages (not a supplier's site): the same tokens, other addresses.
    "staff_reset": _Reset(),
    "staff_unlock": _Unlock(),
}


def make_link_parts(kind: str, user: Any) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), TOKENS[kind].make_token(user)


def user_for_link(kind: str, uidb64: str, token: str) -> Any | None:
    """The user a link of this kind names, if the link is genuine, unspent and in time."""
    from django.contrib.auth import get_user_model

    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or not TOKENS[kind].check_token(user, token):
        return None
    return user
