"""The keyed MACs of the audit log. The key lives in the settings (the environment), never in the
database: someone who can rewrite rows cannot recompute a MAC that still verifies."""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # QUERELA_AUDIT_KEY when set; else derived from the secret key under its own label, so the two never coincide.
    return hmac.new(secret.encode("utf-8"), b"querela-audit-chain-v1", hashlib.sha256).digest()


def audit_key() -> bytes:
    return _key(settings.QUERELA["AUDIT_KEY"] or settings.SECRET_KEY)


def key_id() -> str:
    """Names the key without revealing it, so a seal says which key made it."""
    return hashlib.sha256(b"key-id:" + audit_key()).hexdigest()[:16]


def payload(event: Any) -> dict[str, Any]:
    """What an event says: everything but its place in the chain."""
    return {
        "tenant": event.tenant_id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "actor_role": event.actor_role,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changes": event.changes,
    }


def content_mac(event: Any) -> str:
    text = json.dumps(payload(event), sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(audit_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def link_mac(*, tenant_id: int, seq: int, prev_hash: str, content: str) -> str:
    """The chain link: binds an event's content to its tenant, its place and everything before it."""
    message = f"{tenant_id}|{seq}|{prev_hash}|{content}".encode("ascii")
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()
