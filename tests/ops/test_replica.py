"""Reads for reports, exports and heavy searches may go to a read replica; a session that has just written,
and a transaction that may have written, read the primary (issue 15)."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from querela.core import replica
from querela.core.replica import (
    PIN_COOKIE,
    ReplicaPinMiddleware,
    ReplicaRouter,
    on_replica,
    read_alias,
    replica_reads,
)


@pytest.fixture
def with_replica(monkeypatch):
    """A `replica` database configured (the router asks only whether there is one)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads():
        assert read_alias() == "default"


def test_reports_read_the_replica_and_everything_else_the_primary(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(None) == "default"
    with replica_reads():
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    assert on_replica(read_alias)() == "replica"
    assert not router.allow_migrate("replica", "complaints") and router.allow_migrate("default", "complaints")


@pytest.mark.django_db
def test_a_read_inside_a_transaction_stays_on_the_primary(with_replica):
    with transaction.atomic(), replica_reads():
        assert read_alias() == "default"  # it may read what it has just written


def test_a_session_that_has_just_written_reads_the_primary(with_replica):
    seen: list[str] = []

    def view(request):
        with replica_reads():
            seen.append(read_alias())
        return HttpResponse("ok")

    middleware = ReplicaPinMiddleware(view)
    rf = RequestFactory()
    posted = middleware(rf.post("/t/AAA/complaints/new/"))
    assert seen == ["default"]  # the write itself
    cookie = posted.cookies[PIN_COOKIE]
    assert int(cookie.value) > time.time() and cookie["httponly"]
    # The page after the redirect (its own new complaint on the worklist): still the primary.
    after = rf.get("/t/AAA/complaints/?q=Kovács")
    after.COOKIES[PIN_COOKIE] = cookie.value
    middleware(after)
    assert seen[-1] == "default"
    # Later, or another session: the replica.
    middleware(rf.get("/t/AAA/complaints/?q=Kovács"))
    assert seen[-1] == "replica"
    stale = rf.get("/t/AAA/complaints/?q=Kovács")
    stale.COOKIES[PIN_COOKIE] = str(int(time.time()) - 1)
    middleware(stale)
    assert seen[-1] == "replica"
    forged = rf.get("/")
    forged.COOKIES[PIN_COOKIE] = "²"
    middleware(forged)  # digits `isdigit` accepts and `int` refuses: no error, no pin
    assert seen[-1] == "replica"


def test_without_a_replica_no_pin_cookie_is_set():
    response = ReplicaPinMiddleware(lambda r: HttpResponse("ok"))(RequestFactory().post("/"))
    assert PIN_COOKIE not in response.cookies
