"""API tokens: one per person and tenant, issued from a logged-in session, only the key's digest stored."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from querela.audit.services import audit_record

from .access import Actor, require
from .models import ApiToken


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_issue(*, actor: Actor) -> str:
    """A new token for the actor in the actor's tenant; it replaces their earlier one there and reaches
    no other tenant, even when the same person works for several."""
    require(actor, "api.token")
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.filter(user=actor.user).delete()  # scoped: only this tenant's
        ApiToken.objects.create(user=actor.user, key_sha256=digest(key))
        audit_record(actor=actor, action="api.token_issue", object_type="user", object_id=actor.label)
    return key
