"""Periodic jobs that run once per period however many workers run (issue 15).

Huey's scheduler runs in every consumer: with two workers on Redis, every periodic job is enqueued twice a
period. `periodic_job` wraps `db_periodic_task` with a claim: the first worker to insert the
(job, period) row into the database runs the job; the others return at once. A unique row in the
database — not a Redis lock with an expiry — so the claim is as durable as the work it guards, and the
embedded run (SQLite, one worker) and the distributed one (PostgreSQL, many) behave the same.

A worker killed after claiming loses that period's run; the next period runs again. The sweeps are
idempotent and pick up what an earlier run left (that is why they exist), so a lost period delays, never
loses, work.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from huey.contrib.djhuey import db_periodic_task

from . import clock

KEEP = timedelta(days=3)


def period_start(now: datetime, every: timedelta) -> datetime:
    """The start of the period `now` falls in (periods counted from the epoch, in UTC)."""
    step = int(every.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % step, tz=now.tzinfo)


def claim(name: str, every: timedelta, *, now: datetime | None = None) -> bool:
    """True for the one caller that claims this period of the job, False for every other."""
    from .models import PeriodicClaim

    start = period_start(now or clock.now(), every)
    try:
        with transaction.atomic():
            PeriodicClaim.objects.create(name=name, period_start=start, worker=f"{socket.gethostname()}:{os.getpid()}")
    except IntegrityError:
        return False
    PeriodicClaim.objects.filter(name=name, period_start__lt=start - KEEP).delete()
    return True


def periodic_job(schedule: Any, *, name: str, every: timedelta) -> Callable[[Callable[[], None]], Any]:
    """`db_periodic_task(schedule, name=name)` that runs once per `every` whatever the number of workers.
    `every` is the schedule's own period (crontab(minute="*/15") → 15 minutes). `.call_local()` runs the job
    unclaimed (tests, an operator's command)."""

    def register(fn: Callable[[], None]) -> Any:
        @functools.wraps(fn)
        def once() -> None:
            if claim(name, every):
                fn()

        task = db_periodic_task(schedule, name=name)(once)
        task.call_local = fn  # the job itself, without the claim
        return task

    return register
