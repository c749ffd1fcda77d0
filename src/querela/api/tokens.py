"""API tokens for integrations: one per person, issued from a logged-in session."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from querela.audit.services import audit_record
from querela.tenants.access import Actor, require


def api_token_issue(*, actor: Actor) -> str:
    require(actor, "api.token")
    with transaction.atomic():
        Token.objects.filter(user=actor.user).delete()  # a new token replaces the old one
        token = Token.objects.create(user=actor.user)
        audit_record(actor=actor, action="api.token_issue", object_type="user", object_id=actor.label)
    return str(token.key)
