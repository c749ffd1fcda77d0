"""Free appointment times: pure date arithmetic, no database (property-tested).

Times are the office's local wall-clock times (naive); the caller converts to and from UTC with the
tenant's zone. A slot is free while fewer bookings than the office's capacity start at it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Seed 004: an appointment must be offered within 5 working days of the request.
OFFER_WITHIN_WORKING_DAYS = 5

Hours = Mapping[str, Sequence[Sequence[str]]]


def parse_hours(text: str) -> dict[str, list[list[str]]]:
    """ "mon 08:00-12:00 13:00-16:00" per line → {"mon": [["08:00", "12:00"], ["13:00", "16:00"]]}.

    Raises ValueError naming the line that can't be read.
    """
    hours: dict[str, list[list[str]]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().lower().replace(",", " ")
        if not line:
            continue
        day, *ranges = line.split()
        if day[:3] not in WEEKDAYS or not ranges:
            raise ValueError(f"line {number}: {raw.strip()!r}")
        spans = []
        for r in ranges:
            start, sep, end = r.partition("-")
            try:
                a, b = time.fromisoformat(start), time.fromisoformat(end)
            except ValueError:
                raise ValueError(f"line {number}: {raw.strip()!r}") from None
            if not sep or a >= b:
                raise ValueError(f"line {number}: {raw.strip()!r}")
            spans.append([a.strftime("%H:%M"), b.strftime("%H:%M")])
        hours[day[:3]] = sorted(spans)
    return hours


def format_hours(hours: Hours) -> str:
    return "\n".join(f"{d} " + " ".join(f"{a}-{b}" for a, b in hours[d]) for d in WEEKDAYS if hours.get(d))


def day_slots(day: date, hours: Hours, slot_minutes: int) -> list[datetime]:
    """Every slot start of one day: whole slots inside each opening span."""
    out = []
    step = timedelta(minutes=max(5, slot_minutes))
    for start, end in hours.get(WEEKDAYS[day.weekday()], ()):
        t = datetime.combine(day, time.fromisoformat(start))
        stop = datetime.combine(day, time.fromisoformat(end))
        while t + step <= stop:
            out.append(t)
            t += step
    return out


def free_slots(
    *,
    now: datetime,
    is_working_day: Callable[[date], bool],
    hours: Hours,
    slot_minutes: int,
    capacity: int,
    booked: Mapping[datetime, int],
    days: int,
) -> list[datetime]:
    """Free slots from `now` (exclusive) over the next `days` working days, today included if working."""
    out: list[datetime] = []
    day, seen = now.date(), 0
    while seen < days:
        if is_working_day(day):
            seen += 1
            out.extend(t for t in day_slots(day, hours, slot_minutes) if t > now and booked.get(t, 0) < capacity)
        day += timedelta(days=1)
    return out


def offer_deadline(requested: date, is_working_day: Callable[[date], bool]) -> date:
    """The last day an appointment may be offered on: the 5th working day after the request."""
    day, left = requested, OFFER_WITHIN_WORKING_DAYS
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def by_day(slots: Sequence[datetime]) -> dict[date, list[datetime]]:
    """Slots grouped by their day, in order: the booking pages list days, then a day's times."""
    days: dict[date, list[datetime]] = {}
    for s in slots:
        days.setdefault(s.date(), []).append(s)
    return days
