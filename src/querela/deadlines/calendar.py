"""A country's business calendar plus a tenant's own closures and extra working days.

Working days come from the `holidays` package's `is_working_day`, which knows Hungary's decreed
working Saturdays and bridge rest days. Each year is turned into a sorted tuple of working-day
ordinals once, so business-day arithmetic is a bisect per year crossed, not a day-by-day walk.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache

import holidays

_SATURDAY, _SUNDAY = 5, 6


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=1024)
def _statutory_year(country: str, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, working days) of one year, before any tenant-specific changes."""
    # Neighbouring years too: a decreed working Saturday can be set in the year before the bridge day.
    table = holidays.country_holidays(country, years=(year - 1, year, year + 1))
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    public = frozenset(d for d in days if d in table)
    working = frozenset(d for d in days if table.is_working_day(d))
    return public, working


class BusinessCalendar:
    def __init__(
        self,
        country: str,
        extra_closures: frozenset[date] = frozenset(),
        extra_working_days: frozenset[date] = frozenset(),
    ) -> None:
        country = country.upper()
        if country not in _supported():
            raise ValueError(f"country: no public-holiday calendar for {country!r}")
        self.country = country
        self.extra_closures = frozenset(extra_closures)
        self.extra_working_days = frozenset(extra_working_days)
        self._years: dict[int, tuple[int, ...]] = {}

    def __repr__(self) -> str:
        extra = f"closures={len(self.extra_closures)}, extra_working_days={len(self.extra_working_days)}"
        return f"BusinessCalendar({self.country!r}, {extra})"

    def _ordinals(self, year: int) -> tuple[int, ...]:
        cached = self._years.get(year)
        if cached is None:
            _, working = _statutory_year(self.country, year)
            extra = {d for d in self.extra_working_days if d.year == year}
            closed = {d for d in self.extra_closures if d.year == year}
            # A closure wins over an extra working day: the office is shut whatever else was planned.
            cached = tuple(sorted(d.toordinal() for d in (working | extra) - closed))
            self._years[year] = cached
        return cached

    def is_public_holiday(self, d: date) -> bool:
        return d in _statutory_year(self.country, d.year)[0]

    def is_working_day(self, d: date) -> bool:
        ordinals = self._ordinals(d.year)
        o = d.toordinal()
        i = bisect_left(ordinals, o)
        return i < len(ordinals) and ordinals[i] == o

    def is_saturday_or_holiday(self, d: date) -> bool:
        """Polish Civil Code art. 115: Saturdays and statutory days off (every Sunday and public holiday)."""
        return d.weekday() in (_SATURDAY, _SUNDAY) or self.is_public_holiday(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        return self.add_business_days(d, 1)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (before it when n < 0); `d` itself when n == 0."""
        if n == 0:
            return d
        year, o = d.year, d.toordinal()
        ordinals = self._ordinals(year)
        if n > 0:
            i = bisect_right(ordinals, o)
            while n > len(ordinals) - i:
                n -= len(ordinals) - i
                year += 1
                ordinals, i = self._ordinals(year), 0
            return date.fromordinal(ordinals[i + n - 1])
        n = -n
        i = bisect_left(ordinals, o)  # working days strictly before d in this year
        while n > i:
            n -= i
            year -= 1
            ordinals = self._ordinals(year)
            i = len(ordinals)
        return date.fromordinal(ordinals[i - n])

    def working_days_between(self, a: date, b: date) -> int:
        """The working days after `a` up to and including `b` (negative when b is before a)."""
        if b < a:
            return -self.working_days_between(b, a)
        total = 0
        for year in range(a.year, b.year + 1):
            ordinals = self._ordinals(year)
            lo = bisect_right(ordinals, a.toordinal()) if year == a.year else 0
            hi = bisect_right(ordinals, b.toordinal()) if year == b.year else len(ordinals)
            total += hi - lo
        return total
