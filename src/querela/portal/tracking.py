"""The private tracking link of a complaint filed without an account.

The link carries the tenant and the complaint, signed with the installation's secret key and dated:
it cannot be guessed or altered, and after TRACKING_DAYS it opens nothing — an expired, altered or
made-up link all read the same "not valid", so a link says nothing about which complaints exist.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from querela.core.signed_links import complaint_link_read, complaint_link_token

_SALT = "querela.portal.tracking"


def tracking_token(tenant_code: str, complaint_id: int) -> str:
    return complaint_link_token(_SALT, tenant_code, complaint_id)


def tracking_read(tenant_code: str, token: str) -> int | None:
    """The complaint id a valid, unexpired token names in this tenant, else None."""
    return complaint_link_read(_SALT, tenant_code, token, max_age_days=settings.QUERELA["TRACKING_DAYS"])


def tracking_path(tenant_code: str, complaint_id: int) -> str:
    return reverse("web:public_track", kwargs={"code": tenant_code, "token": tracking_token(tenant_code, complaint_id)})


def tracking_url(tenant_code: str, complaint_id: int) -> str:
    return settings.QUERELA["PUBLIC_URL"] + tracking_path(tenant_code, complaint_id)
