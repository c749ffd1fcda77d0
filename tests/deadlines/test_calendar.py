from __future__ import annotations

from datetime import date

import pytest

from querela.deadlines.calendar import BusinessCalendar

HU = BusinessCalendar("HU")
PL = BusinessCalendar("PL")
RO = BusinessCalendar("RO")


def test_weekdays_and_weekends() -> None:
    assert HU.is_working_day(date(2026, 3, 2))  # Monday
    assert not HU.is_working_day(date(2026, 3, 7))  # Saturday
    assert not HU.is_working_day(date(2026, 3, 8))  # Sunday


def test_public_holidays() -> None:
    assert not PL.is_working_day(date(2026, 11, 11))  # Independence Day
    assert not PL.is_working_day(date(2026, 12, 24))  # Christmas Eve, a Polish holiday since 2025
    assert not RO.is_working_day(date(2026, 12, 1))  # National Day
    assert PL.is_public_holiday(date(2026, 1, 6))
    assert not PL.is_public_holiday(date(2026, 1, 7))


def test_hungarian_decreed_working_saturday_and_rest_day() -> None:
    assert HU.is_working_day(date(2026, 1, 10))  # Saturday worked in exchange for 2 January
    assert not HU.is_working_day(date(2026, 1, 2))  # Friday rest day
    assert HU.is_working_day(date(2026, 8, 8))
    assert not HU.is_working_day(date(2026, 8, 21))
    assert HU.next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)
    assert HU.add_business_days(date(2025, 12, 31), 1) == date(2026, 1, 5)


def test_next_working_day_is_strictly_after() -> None:
    assert PL.next_working_day(date(2026, 3, 2)) == date(2026, 3, 3)
    assert PL.next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)


def test_add_business_days() -> None:
    assert PL.add_business_days(date(2026, 12, 18), 7) == date(2026, 12, 31)
    assert PL.add_business_days(date(2026, 12, 18), 30) == date(2027, 2, 4)  # across the year end
    assert PL.add_business_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from a Saturday
    assert PL.add_business_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_add_business_days_backwards() -> None:
    assert PL.add_business_days(date(2026, 12, 31), -7) == date(2026, 12, 18)
    assert PL.add_business_days(date(2027, 1, 4), -1) == date(2026, 12, 31)
    assert PL.add_business_days(date(2026, 3, 8), -1) == date(2026, 3, 6)


def test_working_days_between_counts_after_a_up_to_b() -> None:
    assert RO.working_days_between(date(2026, 11, 25), date(2026, 12, 18)) == 15
    assert RO.working_days_between(date(2026, 11, 25), date(2026, 11, 25)) == 0
    assert RO.working_days_between(date(2026, 12, 18), date(2026, 11, 25)) == -15
    assert PL.working_days_between(date(2026, 12, 18), date(2027, 2, 4)) == 30


def test_tenant_closures_and_extra_working_days() -> None:
    closed, opened = date(2026, 3, 4), date(2026, 3, 7)
    cal = BusinessCalendar("PL", extra_closures=frozenset({closed}), extra_working_days=frozenset({opened}))
    assert not cal.is_working_day(closed)
    assert cal.is_working_day(opened)
    assert cal.add_business_days(date(2026, 3, 3), 1) == date(2026, 3, 5)
    assert cal.add_business_days(date(2026, 3, 6), 1) == opened
    # Closures are not statutory holidays: they don't change the art. 115 roll.
    assert not cal.is_saturday_or_holiday(closed)


def test_closure_wins_over_extra_working_day() -> None:
    d = date(2026, 3, 7)
    cal = BusinessCalendar("HU", extra_closures=frozenset({d}), extra_working_days=frozenset({d}))
    assert not cal.is_working_day(d)


def test_saturday_or_holiday_includes_sundays() -> None:
    assert PL.is_saturday_or_holiday(date(2026, 6, 27))
    assert PL.is_saturday_or_holiday(date(2026, 6, 28))
    assert not PL.is_saturday_or_holiday(date(2026, 6, 29))


def test_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError, match="country"):
        BusinessCalendar("XX")


def test_country_code_is_case_insensitive() -> None:
    assert BusinessCalendar("pl").country == "PL"
