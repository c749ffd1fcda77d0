"""Retention periods as calendar arithmetic (pure): "60 months before this day", never 365-day years."""

from __future__ import annotations

import calendar
from datetime import date


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier; the 31st of a shorter month is its last day."""
    return months_after(day, -months)


def months_after(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
