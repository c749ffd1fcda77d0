"""Fixed-window rate limits on public forms and logins, kept in the shared cache."""

from __future__ import annotations

import time
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's address for audit rows and rate limits.

    Behind N trusted reverse proxies (`QUERELA_TRUSTED_PROXIES`), REMOTE_ADDR is the nearest proxy; the
    client is the N-th address from the right of X-Forwarded-For. Addresses further left are whatever the
    client chose to send, so they are never believed.
    """
    hops = int(cast(int, settings.QUERELA.get("TRUSTED_PROXIES", 0)))
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _limits(setting: str) -> tuple[int, int]:
    pair = cast(tuple[int, int], settings.QUERELA[setting])
    return int(pair[0]), int(pair[1])


def _key(bucket: str, key: str, window: int) -> str:
    return f"rl:{bucket}:{key}:{int(time.time() // window)}"


def exceeded(bucket: str, key: str, *, setting: str) -> bool:
    """True when this window's attempts are used up (without counting a new one)."""
    limit, window = _limits(setting)
    return int(cache.get(_key(bucket, key, window), 0)) >= int(limit)


def hit(bucket: str, key: str, *, setting: str) -> bool:
    """Count one attempt; False when the limit for this window is already used up."""
    limit, window = _limits(setting)
    cache_key = _key(bucket, key, window)
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return int(count) <= int(limit)
