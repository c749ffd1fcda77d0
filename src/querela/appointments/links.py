"""The link in a booking confirmation: cancel or reschedule without an account.

Signed with the installation's key, so it can't be guessed or pointed at another booking; it works
on the booking as it is now (a rescheduled visit is moved again from the same link, a cancelled one
only shown).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "querela.appointments.manage"
_MAX_AGE = 120 * 86400


def manage_token(tenant_code: str, appointment_id: int) -> str:
    return signing.dumps([tenant_code, appointment_id], salt=_SALT, compress=False)


def manage_read(tenant_code: str, token: str) -> int | None:
    try:
        code, appointment_id = signing.loads(token, salt=_SALT, max_age=_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return appointment_id if code == tenant_code and isinstance(appointment_id, int) else None


def manage_url(tenant_code: str, appointment_id: int) -> str:
    path = reverse(
        "web:appointment_manage", kwargs={"code": tenant_code, "token": manage_token(tenant_code, appointment_id)}
    )
    return settings.QUERELA["PUBLIC_URL"] + path
