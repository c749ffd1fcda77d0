"""The supplier's working days: the national calendar with its own closures and extra working days."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from querela.deadlines.calendar import BusinessCalendar

# A consultation is due, unless asked otherwise, this many working days after it is asked.
DEFAULT_WORKING_DAYS = 5


@functools.lru_cache(maxsize=64)
def _calendar(country: str, closures: frozenset[date], extra: frozenset[date]) -> BusinessCalendar:
    return BusinessCalendar(country, extra_closures=closures, extra_working_days=extra)


def tenant_calendar(tenant: Any) -> BusinessCalendar:
    # The same calendar as appointments.services.tenant_calendar (a sibling app this one can't import).
    return _calendar(
        tenant.country,
        frozenset(date.fromisoformat(d) for d in tenant.closures),
        frozenset(date.fromisoformat(d) for d in tenant.extra_working_days),
    )


def default_due(tenant: Any, today: date) -> date:
    return tenant_calendar(tenant).add_business_days(today, DEFAULT_WORKING_DAYS)
