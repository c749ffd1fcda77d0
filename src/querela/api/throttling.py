"""API rate limits that fit integrations: per token (or signed-in user) and per client address, counted
atomically (core/ratelimit.py), refused with 429 and Retry-After, with a tenant's own limits in settings."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from querela.core.ratelimit import client_address, take


def _limit(tenant_code: str, which: str) -> tuple[int, int]:
    own = cast(dict[str, Any], settings.QUERELA["API_RATE_LIMITS"]).get(tenant_code.upper(), {})
    pair = own.get(which) or settings.QUERELA[f"API_RATE_LIMIT_{which.upper()}"]
    return int(pair[0]), int(pair[1])


class IntegrationThrottle(BaseThrottle):
    """Both limits count every request; the first one used up refuses it, saying when to try again."""

    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        tenant = str(getattr(view, "kwargs", {}).get("tenant", ""))
        auth = request.auth
        who = f"token:{auth.pk}" if hasattr(auth, "pk") else f"user:{request.user.pk}" if request.user.pk else ""
        checks = [("address", client_address(request))]
        if who:
            checks.insert(0, ("token", who))
        for which, key in checks:
            limit, window = _limit(tenant, which)
            verdict = take(f"api-{which}", f"{tenant}:{key}", limit=limit, window=window)
            if not verdict.allowed:
                self._wait = verdict.retry_after
                return False
        return True

    def wait(self) -> float | None:
        return self._wait
