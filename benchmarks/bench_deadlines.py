"""Micro-benchmark: deadline schedules computed per second for ~20k complaints spread over the presets.

Run: .venv/bin/python benchmarks/bench_deadlines.py [COUNT]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.engine import Event, compute
from querela.deadlines.policies import PRESETS, Policy

Workload = list[tuple[Policy, BusinessCalendar, str, datetime, str, list[Event], datetime]]


def _events(rng: random.Random, received: datetime) -> list[Event]:
    events: list[Event] = []
    t = received
    for kind in ("acknowledged", "info_requested", "info_received", "extended", "answered"):
        if rng.random() < 0.5:
            continue
        t += timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 8))
        if kind == "extended":
            events.append(Event("extended", t, days=rng.randint(1, 10), notice_at=t, reason="other"))
        else:
            events.append(Event(kind, t))
    return events


def workload(count: int, seed: int = 7) -> Workload:
    rng = random.Random(seed)
    calendars = {c: BusinessCalendar(c) for c in ("HU", "PL", "RO")}
    policies = list(PRESETS.values())
    start = datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))
    items: Workload = []
    for _ in range(count):
        p = rng.choice(policies)
        received = (start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))).astimezone(ZoneInfo(p.timezone))
        kind = "damage_claim" if rng.random() < 0.1 else "complaint"
        now = received + timedelta(days=rng.randint(0, 40))
        items.append((p, calendars[p.country], p.timezone, received, kind, _events(rng, received), now))
    return items


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    items = workload(count)
    began = time.perf_counter()
    for p, cal, tz, received, kind, events, now in items:
        compute(p, cal, tz, received, kind, events, now=now)
    elapsed = time.perf_counter() - began
    print(f"{count} schedules in {elapsed:.2f} s: {count / elapsed:,.0f} schedules/s")


if __name__ == "__main__":
    main()
