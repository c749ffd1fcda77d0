"""Free appointment times: pure arithmetic, property-tested (seed 004: offered within 5 working days)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from querela.appointments.slots import WEEKDAYS, day_slots, format_hours, free_slots, offer_deadline, parse_hours
from querela.deadlines.calendar import BusinessCalendar

HU = BusinessCalendar("HU")
HOURS = {"mon": [["08:00", "12:00"], ["13:00", "16:00"]], "wed": [["08:00", "16:00"]], "fri": [["08:00", "12:00"]]}


def test_parse_and_format_round_trip_and_bad_lines_are_named():
    text = "mon 08:00-12:00 13:00-16:00\nWed 8:00-16:00\nfri 08:00-12:00"
    with pytest.raises(ValueError):
        parse_hours("mon 8-12")  # not HH:MM
    assert parse_hours(text.replace("8:00-16", "08:00-16")) == HOURS
    assert parse_hours(format_hours(HOURS)) == HOURS
    for bad in ("funday 08:00-12:00", "mon", "mon 12:00-08:00", "mon 08:00"):
        with pytest.raises(ValueError, match="line 2"):
            parse_hours("tue 08:00-09:00\n" + bad)


def test_slots_fill_whole_spans_only():
    monday = date(2026, 12, 7)
    slots = day_slots(monday, HOURS, 25)
    assert slots[0] == datetime(2026, 12, 7, 8, 0)
    assert all(s + timedelta(minutes=25) <= datetime(2026, 12, 7, 12) or s.hour >= 13 for s in slots)
    assert datetime(2026, 12, 7, 11, 55) not in slots  # would end after 12:00
    assert day_slots(date(2026, 12, 8), HOURS, 25) == []  # Tuesday: closed


def test_christmas_is_never_offered_and_the_deadline_skips_it():
    now = datetime(2026, 12, 23, 17, 0)  # Wednesday evening, after closing
    slots = free_slots(
        now=now, is_working_day=HU.is_working_day, hours=HOURS, slot_minutes=30, capacity=1, booked={}, days=5
    )
    assert {s.date() for s in slots}.isdisjoint({date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)})
    # Thu 24 is a working day in Hungary in 2026? The national calendar decides; the 5th working day after it:
    deadline = offer_deadline(now.date(), HU.is_working_day)
    days = [now.date() + timedelta(days=i) for i in range(1, (deadline - now.date()).days + 1)]
    assert sum(HU.is_working_day(d) for d in days) == 5 and HU.is_working_day(deadline)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
    slot=st.integers(min_value=5, max_value=120),
    capacity=st.integers(min_value=1, max_value=3),
    booked_every=st.integers(min_value=1, max_value=7),
    days=st.integers(min_value=1, max_value=10),
)
def test_every_offered_slot_is_open_working_future_and_free(start, slot, capacity, booked_every, days):
    all_slots = free_slots(
        now=start,
        is_working_day=HU.is_working_day,
        hours=HOURS,
        slot_minutes=slot,
        capacity=capacity,
        booked={},
        days=days,
    )
    booked = {s: capacity for s in all_slots[::booked_every]}
    offered = free_slots(
        now=start,
        is_working_day=HU.is_working_day,
        hours=HOURS,
        slot_minutes=slot,
        capacity=capacity,
        booked=booked,
        days=days,
    )
    assert offered == sorted(offered)
    assert set(offered) == set(all_slots) - set(booked)
    for s in offered:
        assert s > start and HU.is_working_day(s.date())
        spans = HOURS.get(WEEKDAYS[s.weekday()], [])
        assert any(a <= s.strftime("%H:%M") and (s + timedelta(minutes=slot)).strftime("%H:%M") <= b for a, b in spans)
    working = {d for d in (start.date() + timedelta(days=i) for i in range(40)) if HU.is_working_day(d)}
    assert len({s.date() for s in all_slots} - working) == 0
