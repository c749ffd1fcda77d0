"""Password guessing is limited per account and per client address, without locking an office out.

- Each attempt is counted **before** the password is checked (an atomic increment, `core/ratelimit.py`), so
  twenty attempts sent at once meet the same limit as twenty sent one after another. A right password gives
  its count back and clears the account's failures.
- Per account: after a few failures the next attempt waits a few seconds more each time; after
  `LOGIN_ACCOUNT_LIMIT` the account is locked until the window ends, and its owner is e-mailed a link that
  unlocks it at once.
- Per client address the limit (`LOGIN_ADDRESS_LIMIT`) is high: a whole office behind one proxy signs in
  with its right passwords however often a colleague mistypes.
- A browser that has signed in to an account before carries a signed device cookie; its attempts at that
  account are counted apart, so someone hammering the account from elsewhere does not lock its owner out.

One counter per account name, for every sign-in page (staff, consumer, API session): the name is the
user name as typed, case-folded — an unknown name is counted like a known one, so the answers don't tell
which exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core import signing

from querela.core.ratelimit import Verdict, count, forget, refund, store, take

DEVICE_COOKIE = "querela_device"
DEVICE_DAYS = 90
_DEVICE_SALT = "querela.accounts.device"
_WAIT_FROM = 3  # failures before each attempt must wait
_WAIT_MAX = 30  # seconds


@dataclass(frozen=True)
class Gate:
    """May this attempt check its password? If not, why and for how long."""

    allowed: bool
    why: str = ""  # "wait", "account" (locked) or "address"
    retry_after: int = 0
    newly_locked: bool = False  # this attempt locked the account: its owner gets the unlock link (once)
    account_key: str = ""
    held: tuple[Verdict, ...] = field(default=())


def _limits(name: str) -> tuple[int, int]:
    pair = cast(tuple[int, int], settings.QUERELA[name])
    return int(pair[0]), int(pair[1])


def _account(name: str) -> str:
    return hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:32]


def _key(name: str, device: str | None) -> str:
    return _account(name) + (f":dev:{device}" if device else "")


def sign_in_gate(*, account: str, address: str, device: str | None = None) -> Gate:
    """Count this attempt (before the password is checked); refused when the account must wait or is
    locked, or the address has used up its failures."""
    key = _key(account, device)
    limit, window = _limits("LOGIN_ACCOUNT_LIMIT")
    if store().get(f"login-wait:{key}"):
        return Gate(False, "wait", retry_after=_wait(count("login-account", key, window=window)), account_key=key)
    by_account = take("login-account", key, limit=limit, window=window)
    if not by_account.allowed:
        return Gate(
            False, "account", by_account.retry_after, newly_locked=by_account.count == limit + 1, account_key=key
        )
    limit, window = _limits("LOGIN_ADDRESS_LIMIT")
    by_address = take("login-address", address, limit=limit, window=window)
    if not by_address.allowed:
        refund(by_account)
        return Gate(False, "address", by_address.retry_after, account_key=key)
    return Gate(True, account_key=key, held=(by_account, by_address))


def sign_in_succeeded(gate: Gate) -> None:
    """The right password: not a failure at this address, and the account's failures are forgotten."""
    for verdict in gate.held[1:]:
        refund(verdict)
    _limit, window = _limits("LOGIN_ACCOUNT_LIMIT")
    forget("login-account", gate.account_key, window=window)
    store().delete(f"login-wait:{gate.account_key}")


def sign_in_failed(gate: Gate) -> int:
    """A wrong password stays counted; from the third on, the account's next attempt waits 2, 4, 8 … s
    (returned, so that the page says so with the failure, not only at the next attempt)."""
    if not gate.held:
        return 0
    seconds = _wait(gate.held[0].count)
    if seconds:
        store().incr(f"login-wait:{gate.account_key}", seconds)
    return seconds


def _wait(failures: int) -> int:
    return min(2 ** (failures - _WAIT_FROM + 1), _WAIT_MAX) if failures >= _WAIT_FROM else 0


def unlock(account: str) -> None:
    """The owner opened the unlock link: the lock and the wait are lifted now."""
    key = _key(account, None)
    _limit, window = _limits("LOGIN_ACCOUNT_LIMIT")
    forget("login-account", key, window=window)
    store().delete(f"login-wait:{key}")


def _device(cookie: str | None) -> dict[str, Any]:
    if not cookie:
        return {}
    try:
        data = signing.loads(cookie, salt=_DEVICE_SALT, max_age=DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


def trusted_device(cookie: str | None, account: str) -> str | None:
    """This browser's id when it has signed in to (or unlocked) this account before."""
    data = _device(cookie)
    accounts = data.get("a")
    if isinstance(accounts, list) and _account(account)[:16] in accounts:
        return str(data.get("d", "")) or None
    return None


def device_cookie_for(cookie: str | None, account: str) -> str:
    """The device cookie after a sign-in or an unlock: this account added (the ten most recent kept)."""
    data = _device(cookie)
    device = str(data.get("d") or secrets.token_urlsafe(12))
    accounts = [a for a in data.get("a", []) if isinstance(a, str)] if isinstance(data.get("a"), list) else []
    mark = _account(account)[:16]
    accounts = [mark, *[a for a in accounts if a != mark]][:10]
    return signing.dumps({"d": device, "a": accounts}, salt=_DEVICE_SALT)
