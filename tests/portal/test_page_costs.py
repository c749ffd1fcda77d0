"""The public and consumer pages cost a fixed number of SQL statements however much they show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.appointments.models import Appointment, Office
from querela.complaints.services import complaint_add_message, complaint_register
from querela.core import clock, tenancy
from querela.portal.tracking import tracking_token

pytestmark = pytest.mark.django_db


def _statements(client: Client, url: str) -> int:
    client.get(url)  # the first request of a session pays for one-off work
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _complaint(w):
    return complaint_register(
        actor=w.actor("agent"),
        channel="phone",
        subject="Magas számla",
        description="Magas.",
        customer=w.customer,
        place=w.place,
        reply_channel="email",
    )


def _talk(w, c, n: int) -> None:
    for i in range(n):
        complaint_add_message(actor=w.actor("consumer"), complaint_id=c.pk, text=f"Üzenet {i}")
        complaint_add_message(actor=w.actor("handler"), complaint_id=c.pk, text=f"Válasz {i}")


@pytest.mark.parametrize(("url", "budget"), [("/p/AAA/", 3), ("/p/AAA/complaint/", 3), ("/p/AAA/matter/outage/", 3)])
def test_public_pages_have_a_fixed_cost(world, url, budget):
    assert _statements(Client(), url) <= budget


def test_tracking_and_the_consumers_case_file_cost_the_same_for_a_short_and_a_long_conversation(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = _complaint(w)
        _talk(w, c, 1)
    public, consumer = Client(), Client()
    consumer.force_login(w.users["consumer"])
    track = f"/p/AAA/track/{tracking_token('AAA', c.pk)}/"
    case = f"/t/AAA/complaints/{c.reference}/"
    few = (_statements(public, track), _statements(consumer, case))
    with tenancy.tenant_scope(w.tenant):
        _talk(w, c, 6)
    many = (_statements(public, track), _statements(consumer, case))
    assert many == few, f"tracking, case file: {few} statements, then {many} with a longer conversation"
    assert many[0] <= 5 and many[1] <= 10, many


def test_booking_and_the_days_list_cost_the_same_for_few_and_many_bookings(world, monkeypatch):
    w = world.a
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 7, 6, 0, tzinfo=UTC))
    with tenancy.tenant_scope(w.tenant):
        office = Office.objects.create(
            name="Iroda", address="Debrecen", opening_hours={"tue": [["08:00", "16:00"]]}, slot_minutes=20, capacity=3
        )

    def book(n: int) -> None:
        with tenancy.tenant_scope(w.tenant):
            for i in range(n):
                start = datetime(2026, 12, 8, 7, 0, tzinfo=UTC) + timedelta(minutes=20 * (i % 20))
                Appointment.objects.create(
                    office=office,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=20),
                    name=f"Látogató {i}",
                    email="v@example.hu",
                    requested_at=clock.now(),
                )

    agent = Client()
    agent.force_login(w.users["agent"])
    urls = (f"/p/AAA/appointment/?office={office.pk}&day=2026-12-08", "/t/AAA/appointments/?day=2026-12-08")
    book(1)
    few = tuple(_statements(Client() if u.startswith("/p/") else agent, u) for u in urls)
    book(20)
    many = tuple(_statements(Client() if u.startswith("/p/") else agent, u) for u in urls)
    assert many == few, f"booking page, day list: {few} statements, then {many} with more bookings"
    assert many[0] <= 5 and many[1] <= 5, many
