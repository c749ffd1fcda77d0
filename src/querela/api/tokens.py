"""API tokens for integrations: one per person, issued from a logged-in session, valid for a limited time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from querela.audit.services import audit_record
from querela.core import clock
from querela.tenants.access import Actor, require


def api_token_issue(*, actor: Actor) -> str:
    require(actor, "api.token")
    with transaction.atomic():
        Token.objects.filter(user=actor.user).delete()  # a new token replaces the old one
        token = Token.objects.create(user=actor.user)
        audit_record(actor=actor, action="api.token_issue", object_type="user", object_id=actor.label)
    return str(token.key)


class ExpiringTokenAuthentication(TokenAuthentication):
    """A leaked token stops working on its own: after `QUERELA_API_TOKEN_DAYS` a new one must be issued."""

    def authenticate_credentials(self, key: str) -> Any:
        user, token = super().authenticate_credentials(key)
        days = int(cast(int, settings.QUERELA["API_TOKEN_DAYS"]))
        if token.created < clock.now() - timedelta(days=days):
            raise exceptions.AuthenticationFailed(_("This token has expired: issue a new one."))
        return user, token
