"""Links a stranger keeps instead of an account (the tracking link, a message-wall thread): the tenant
and the complaint, signed with the installation's secret key and dated. One cannot be guessed, altered
or used for another purpose (each purpose has its own salt); an expired, altered or made-up link all
read the same "not valid", so a link says nothing about which complaints exist."""

from __future__ import annotations

from django.core import signing


def complaint_link_token(salt: str, tenant_code: str, complaint_id: int) -> str:
    return signing.dumps([tenant_code, complaint_id], salt=salt, compress=False)


def complaint_link_read(salt: str, tenant_code: str, token: str, *, max_age_days: int) -> int | None:
    """The complaint id a valid, unexpired token names in this tenant, else None."""
    try:
        code, complaint_id = signing.loads(token, salt=salt, max_age=max_age_days * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if code != tenant_code or not isinstance(complaint_id, int):
        return None
    return complaint_id
