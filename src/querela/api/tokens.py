"""Token authentication for the API (the tokens themselves are `tenants.tokens`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from querela.core import clock, tenancy
from querela.core.ratelimit import client_address, refund, take
from querela.tenants.models import ApiToken
from querela.tenants.tokens import digest


class TenantTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`. The token names its tenant; `TenantAPIView` refuses it anywhere
    else. A leaked token stops working on its own after `QUERELA_API_TOKEN_DAYS`."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        # Guessed keys are limited per client address like wrong passwords (accounts/login_guard.py): the
        # attempt is counted before the lookup and given back when the key is right.
        limit, window = cast(tuple[int, int], settings.QUERELA["LOGIN_ADDRESS_LIMIT"])
        attempt = take("api-token", client_address(request), limit=int(limit), window=int(window))
        if not attempt.allowed:
            raise exceptions.Throttled(
                wait=attempt.retry_after, detail=_("Too many invalid tokens from your address. Try again later.")
            )
        with tenancy.dangerously_all_tenants():  # the tenant is what the token tells us
            token = ApiToken.objects.select_related("user", "tenant").filter(key_sha256=digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        refund(attempt)
        days = int(cast(int, settings.QUERELA["API_TOKEN_DAYS"]))
        if token.created < clock.now() - timedelta(days=days):
            raise exceptions.AuthenticationFailed(_("This token has expired: issue a new one."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
