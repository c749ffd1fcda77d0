"""Properties of the calendar and the engine over random dates, periods, calendars and pauses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.engine import Event, compute
from querela.deadlines.policies import PRESETS, Policy, StepRule, Unit

# The shared conftest clears a cache per test; that is harmless to repeat across examples.
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ZONES = {"HU": "Europe/Budapest", "PL": "Europe/Warsaw", "RO": "Europe/Bucharest"}

countries = st.sampled_from(sorted(ZONES))
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
closures = st.frozensets(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)), max_size=20)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    return BusinessCalendar(draw(countries), extra_closures=draw(closures), extra_working_days=draw(closures))


@st.composite
def received_times(draw: st.DrawFn, country: str) -> datetime:
    d = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30)))
    t = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 1, 29, 59])))
    return datetime.combine(d, t, ZoneInfo(ZONES[country]))


@st.composite
def policies(draw: st.DrawFn, country: str) -> Policy:
    unit: Unit = draw(st.sampled_from(["calendar_days", "business_days"]))
    return Policy(
        name="prop",
        country=country,
        answer=StepRule(draw(st.integers(0, 60)), unit, draw(st.sampled_from(["received", "complete"]))),
        roll=draw(st.sampled_from(["none", "next_working_day", "next_day_not_saturday_or_holiday"])),
        receipt=draw(st.sampled_from([PRESETS["ro-energy"].receipt, PRESETS["hu-utility"].receipt])),
        info_request=draw(st.sampled_from(["pause", "restart", "continue"])),
    )


def _pause(received: datetime, start: int, length: int) -> list[Event]:
    asked = received + timedelta(days=start, hours=1)
    return [Event("info_requested", asked), Event("info_received", asked + timedelta(days=length))]


@SETTINGS
@given(cal=calendars(), d=days, n=st.integers(-40, 80))
def test_add_business_days_agrees_with_day_by_day_count(cal: BusinessCalendar, d: date, n: int) -> None:
    step = 1 if n >= 0 else -1
    day, left = d, abs(n)
    while left:
        day += timedelta(days=step)
        left -= cal.is_working_day(day)
    assert cal.add_business_days(d, n) == day
    if n >= 0:  # backwards, `d` itself is counted and the landing day is not: no exact inverse
        assert cal.working_days_between(d, day) == n


@SETTINGS
@given(cal=calendars(), a=days, span=st.integers(0, 400))
def test_working_days_between_agrees_with_day_by_day_count(cal: BusinessCalendar, a: date, span: int) -> None:
    b = a + timedelta(days=span)
    assert cal.working_days_between(a, b) == sum(cal.is_working_day(a + timedelta(days=i)) for i in range(1, span + 1))


@SETTINGS
@given(data=st.data(), country=countries, extra=closures)
def test_rolled_due_dates_fall_where_the_roll_says(data: st.DataObject, country: str, extra: frozenset[date]) -> None:
    cal = BusinessCalendar(country, extra_closures=extra)
    policy = data.draw(policies(country))
    received = data.draw(received_times(country))
    events = _pause(received, data.draw(st.integers(0, 10)), data.draw(st.integers(0, 20)))
    step = compute(policy, cal, ZONES[country], received, "complaint", events).step("answer")
    assert step is not None and step.due is not None and step.unrolled is not None
    if policy.roll == "next_working_day":
        assert cal.is_working_day(step.due)
        gap = (step.due - step.unrolled).days
        assert all(not cal.is_working_day(step.unrolled + timedelta(days=i)) for i in range(gap))
    elif policy.roll == "next_day_not_saturday_or_holiday":
        assert step.due.weekday() < 5 and not cal.is_public_holiday(step.due)
        gap = (step.due - step.unrolled).days
        assert all(cal.is_saturday_or_holiday(step.unrolled + timedelta(days=i)) for i in range(gap))
    else:
        assert step.due == step.unrolled


@SETTINGS
@given(data=st.data(), name=st.sampled_from(sorted(PRESETS)), start=st.integers(0, 15), length=st.integers(0, 30))
def test_a_pause_never_shortens_a_deadline(data: st.DataObject, name: str, start: int, length: int) -> None:
    policy = PRESETS[name]
    cal = BusinessCalendar(policy.country)
    received = data.draw(received_times(policy.country))
    kind = data.draw(st.sampled_from(["complaint", "damage_claim"]))
    plain = compute(policy, cal, policy.timezone, received, kind, [])
    paused = compute(policy, cal, policy.timezone, received, kind, _pause(received, start, length))
    for before, after in zip(plain.steps, paused.steps, strict=True):
        assert before.due is not None and after.due is not None
        assert after.due >= before.due


@SETTINGS
@given(data=st.data(), unit=st.sampled_from(["calendar_days", "business_days"]), length=st.integers(0, 30))
def test_a_longer_pause_never_gives_an_earlier_date(data: st.DataObject, unit: str, length: int) -> None:
    country = data.draw(countries)
    policy = replace(PRESETS["ro-energy"], country=country, answer=StepRule(15, unit, "received"))  # type: ignore[arg-type]
    cal = BusinessCalendar(country)
    received = data.draw(received_times(country))
    shorter = compute(policy, cal, ZONES[country], received, "complaint", _pause(received, 2, length))
    longer = compute(policy, cal, ZONES[country], received, "complaint", _pause(received, 2, length + 1))
    assert (longer.due("answer") or date.min) >= (shorter.due("answer") or date.max)


@SETTINGS
@given(d=days, country=countries)
def test_art_115_never_lands_on_a_weekend_or_holiday(d: date, country: str) -> None:
    cal = BusinessCalendar(country)
    policy = Policy("p", country, StepRule(0, "calendar_days", "received"), roll="next_day_not_saturday_or_holiday")
    received = datetime.combine(d, time(12), ZoneInfo(ZONES[country]))
    due = compute(policy, cal, ZONES[country], received, "complaint", []).due("answer")
    assert due is not None and due >= d
    assert due.weekday() not in (5, 6) and not cal.is_public_holiday(due)
