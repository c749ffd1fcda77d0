"""Supervisors and handlers see what is overdue or due soon, most urgent first."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from querela.complaints.selectors import complaint_list
from querela.complaints.services import complaint_register
from querela.core import clock
from tests.factories import PASSWORD

BUDAPEST = ZoneInfo("Europe/Budapest")
pytestmark = pytest.mark.django_db


@pytest.fixture
def three(in_a, monkeypatch):
    """Answer due 17 March (received 2 March), 27 March (12 March) and 31 March (16 March); today: 20 March."""
    complaints = []
    for day in (2, 12, 16):
        monkeypatch.setattr(clock, "now", lambda day=day: datetime(2026, 3, day, 9, tzinfo=BUDAPEST))
        complaints.append(
            complaint_register(
                actor=in_a.actor("agent"),
                channel="post",
                subject=f"March {day}",
                description="Bill too high",
                customer=in_a.customer,
            )
        )
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 24, 9, tzinfo=BUDAPEST))
    return complaints


def test_overdue_and_due_soon_filters(in_a, three) -> None:
    actor = in_a.actor("supervisor")
    assert [c.subject for c in complaint_list(actor=actor, deadline="overdue")] == ["March 2"]
    # reminders start 3 working days before the due date: 24 March is inside the window of 27 March
    assert [c.subject for c in complaint_list(actor=actor, deadline="due_soon")] == ["March 12"]
    assert [c.subject for c in complaint_list(actor=actor, order="due")] == ["March 2", "March 12", "March 16"]


def test_the_supervisor_home_lists_overdue_complaints(in_a, three) -> None:
    client = Client()
    assert client.login(username="aaa-supervisor", password=PASSWORD)
    page = client.get("/t/AAA/").content.decode()
    overdue = page.split("<h2>Overdue")[1].split("<h2>")[0]
    assert three[0].reference in overdue and three[2].reference not in overdue
    listed = client.get("/t/AAA/complaints/", {"deadline": "overdue"}).content.decode()
    assert three[0].reference in listed and three[1].reference not in listed


def test_the_list_filters_by_channel_kind_and_assignee(in_a, three) -> None:
    from querela.complaints.transitions import complaint_transition

    sup = in_a.actor("supervisor")
    complaint_transition(actor=sup, complaint_id=three[1].pk, action="assign", assignee_id=in_a.users["handler"].pk)
    client = Client()
    assert client.login(username="aaa-supervisor", password=PASSWORD)
    mine = client.get("/t/AAA/complaints/", {"assignee": in_a.users["handler"].pk}).content.decode()
    assert three[1].reference in mine and three[0].reference not in mine
    assert three[0].reference not in client.get("/t/AAA/complaints/", {"channel": "email"}).content.decode()
    assert (
        three[0].reference
        in client.get("/t/AAA/complaints/", {"channel": "post", "kind": "complaint"}).content.decode()
    )
    rows = client.get("/t/AAA/complaints/", {"channel": "post"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and three[0].reference in rows
