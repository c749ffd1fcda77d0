"""One place to read the time, so tests and the deadline engine agree on 'now'.

Storage is UTC; a person reads and types times in the tenant's time zone. `tenant_now` and
`tenant_today` are the only ways to ask "what time / which day is it for this supplier".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def tenant_zone(tenant: Any) -> ZoneInfo:
    return ZoneInfo(tenant.time_zone)


def tenant_now(tenant: Any) -> datetime:
    return now().astimezone(tenant_zone(tenant))


def tenant_today(tenant: Any) -> date:
    """The supplier's calendar day: what due dates, validity dates and 'today' lists compare with."""
    return tenant_now(tenant).date()


def tenant_date(tenant: Any, moment: datetime) -> date:
    """The supplier's calendar day of a stored (UTC) moment."""
    return moment.astimezone(tenant_zone(tenant)).date()
