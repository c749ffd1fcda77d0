"""Periodic jobs run once per period however many workers run (issue 15): every Huey consumer runs the
scheduler and enqueues each periodic job, and the first to claim the period in the database runs it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from huey import crontab
from hypothesis import given
from hypothesis import strategies as st

from querela.core.models import PeriodicClaim
from querela.core.periodic import claim, period_start, periodic_job

runs: list[str] = []


@periodic_job(crontab(minute="*/5"), name="querela.test_periodic_once", every=timedelta(minutes=5))
def _job() -> None:
    runs.append("ran")


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from([timedelta(minutes=1), timedelta(minutes=10), timedelta(minutes=15), timedelta(days=1)]),
)
def test_a_period_starts_on_its_boundary_and_holds_the_moment(moment, every):
    now = moment.replace(tzinfo=UTC)
    start = period_start(now, every)
    assert start <= now < start + every
    assert int(start.timestamp()) % int(every.total_seconds()) == 0


@pytest.mark.django_db
def test_the_first_claim_of_a_period_wins_and_the_next_period_is_claimed_again():
    now = datetime(2026, 12, 4, 10, 7, tzinfo=UTC)
    every = timedelta(minutes=15)
    assert claim("sweep", every, now=now)
    assert not claim("sweep", every, now=now + timedelta(minutes=7))  # same period: 10:00–10:15
    assert claim("other", every, now=now)  # another job is another claim
    assert claim("sweep", every, now=now + timedelta(minutes=8))  # 10:15: the next period
    # Old claims go as new ones come.
    assert claim("sweep", every, now=now + timedelta(days=5))
    assert PeriodicClaim.objects.filter(name="sweep").count() == 1


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_period_run_the_job_once():
    runs.clear()
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        try:
            _job()  # each worker's copy of the enqueued periodic job (the test queue runs it in place)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert runs == ["ran"]
    assert PeriodicClaim.objects.filter(name="querela.test_periodic_once").count() == 1
    # An operator's or a test's direct run is not claimed.
    _job.call_local()
    assert runs == ["ran", "ran"]
