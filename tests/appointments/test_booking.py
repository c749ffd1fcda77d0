"""Booking, moving and cancelling a visit to the customer office (seed 004), as the public and the staff see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client

from querela.appointments.models import Appointment, Office
from querela.core import clock, tenancy

# Mail is sent after commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

WEEK = {d: [["08:00", "10:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
MONDAY_EVENING = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # 19:00 in Budapest


@pytest.fixture
def office(world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MONDAY_EVENING)
    with tenancy.tenant_scope(world.a.tenant):
        return Office.objects.create(
            name="Debreceni iroda",
            address="4024 Debrecen, Kossuth u. 12.",
            opening_hours=WEEK,
            slot_minutes=30,
            capacity=1,
        )


def _text(content: str | bytes) -> str:
    # Django hands text/* attachments back as str.
    return content if isinstance(content, str) else content.decode()


def _book(client: Client, office: Office, slot: str, email: str = "eva@example.hu"):
    return client.post(
        "/p/AAA/appointment/?matter=contract",
        {"office": office.pk, "day": slot[:10], "slot": slot, "name": "Szabó Éva", "email": email},
    )


def test_the_first_free_time_is_offered_within_5_working_days_and_booked(world, office):
    page = Client().get("/p/AAA/appointment/?matter=contract").content.decode()
    assert "within 5 working days" in page
    assert "?matter=contract&amp;office=" in page and "day=2026-12-08" in page  # Tuesday is the first day
    times = Client().get(f"/p/AAA/appointment/?office={office.pk}&day=2026-12-08").content.decode()
    assert 'value="2026-12-08T08:00:00+01:00"' in times and "2026-12-08T09:30:00+01:00" in times
    response = _book(Client(), office, "2026-12-08T08:00:00+01:00")
    assert response.status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        a = Appointment.objects.get()
    assert a.starts_at == datetime(2026, 12, 8, 7, 0, tzinfo=UTC) and a.matter == "contract"
    [message] = mail.outbox
    assert message.to == ["eva@example.hu"]
    [(name, ics, kind)] = message.attachments
    assert name == "appointment.ics" and kind == "text/calendar"
    assert "DTSTART:20261208T070000Z" in _text(ics) and "LOCATION:4024 Debrecen\\, Kossuth u. 12." in _text(ics)
    manage = re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + manage).status_code == 200
    # The slot is full (capacity 1): the next person can't take it.
    taken = _book(Client(), office, "2026-12-08T08:00:00+01:00", email="other@example.hu")
    assert taken.status_code == 400 and "no longer free" in taken.content.decode()


def test_reschedule_and_cancel_by_the_mailed_link(world, office):
    _book(Client(), office, "2026-12-08T08:00:00+01:00")
    link = "/" + re.search(r"https?://\S+", mail.outbox[0].body).group(0).split("://", 1)[1].split("/", 1)[1]
    client = Client()
    moved = client.post(link, {"do": "move", "slot": "2026-12-09T09:00:00+01:00"})
    assert moved.status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        a = Appointment.objects.get()
    assert a.starts_at == datetime(2026, 12, 9, 8, 0, tzinfo=UTC) and a.version == 2
    assert "SEQUENCE:2" in _text(mail.outbox[-1].attachments[0][1])
    # The old time is free again.
    assert _book(Client(), office, "2026-12-08T08:00:00+01:00", email="x@example.hu").status_code == 302
    confirm = client.get(link + "?cancel=1").content.decode()
    assert "Do you really want to cancel" in confirm
    assert client.post(link, {"do": "cancel"}).status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        a.refresh_from_db()
    assert a.status == "cancelled"
    assert "METHOD:CANCEL" in _text(mail.outbox[-1].attachments[0][1])
    assert client.post(link, {"do": "move", "slot": "2026-12-10T09:00:00+01:00"}).status_code == 400
    assert Client().get(link[:-3] + "xx/").status_code == 404  # altered link
    assert Client().get(link.replace("/p/AAA/", "/p/BBB/")).status_code == 404


def test_a_closure_is_never_offered(world, office):
    tenant = world.a.tenant
    tenant.closures = ["2026-12-08", "2026-12-09"]
    tenant.save()
    page = Client().get("/p/AAA/appointment/").content.decode()
    assert "day=2026-12-08" not in page and "day=2026-12-09" not in page and "day=2026-12-10" in page
    assert "within 5 working days" in page  # closed days are not working days: the rule still holds


def test_the_public_and_the_supervisor_are_told_when_5_working_days_cant_be_met(world, office):
    with tenancy.tenant_scope(world.a.tenant):
        Office.objects.filter(pk=office.pk).update(opening_hours={"fri": [["08:00", "08:30"]]})
    _book(Client(), office, "2026-12-11T08:00:00+01:00")  # the only time within 5 working days (by Mon 14th)
    page = Client().get("/p/AAA/appointment/").content.decode()
    assert "no free time within 5 working days" in page and "day=2026-12-18" in page
    supervisor = Client()
    supervisor.force_login(world.a.users["supervisor"])
    home = supervisor.get("/t/AAA/").content.decode()
    assert "offer a visit within 5 working days" in home and "Debreceni iroda" in home


def test_staff_see_the_days_list(world, office):
    _book(Client(), office, "2026-12-08T08:30:00+01:00")
    agent = Client()
    agent.force_login(world.a.users["agent"])
    day = agent.get("/t/AAA/appointments/?day=2026-12-08").content.decode()
    assert "Szabó Éva" in day and "eva@example.hu" in day
    consumer = Client()
    consumer.force_login(world.a.users["consumer"])
    assert consumer.get("/t/AAA/appointments/?day=2026-12-08").status_code == 403


def test_the_tenant_admin_sets_opening_hours_and_a_bad_line_is_named(world, office):
    admin = Client()
    admin.force_login(world.a.users["tenant_admin"])
    bad = admin.post(
        f"/t/AAA/admin/offices/{office.pk}/",
        {
            "name": "Iroda",
            "address": "Debrecen",
            "opening_hours": "mon 08:00-12:00\ntue 8-12",
            "slot_minutes": 15,
            "capacity": 2,
            "is_active": "on",
        },
    )
    assert bad.status_code == 200 and "tue 8-12" in bad.content.decode()
    ok = admin.post(
        f"/t/AAA/admin/offices/{office.pk}/",
        {
            "name": "Iroda",
            "address": "Debrecen",
            "opening_hours": "mon 08:00-12:00\ntue 08:00-12:00",
            "slot_minutes": 15,
            "capacity": 2,
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        office.refresh_from_db()
    assert office.opening_hours == {"mon": [["08:00", "12:00"]], "tue": [["08:00", "12:00"]]}
    assert office.capacity == 2


def test_the_desk_books_for_a_caller_by_phone_checks_in_and_sees_the_week(world, office, monkeypatch):
    agent = Client()
    agent.force_login(world.a.users["agent"])
    form = agent.get("/t/AAA/appointments/book/?day=2026-12-08").content.decode()
    assert "within 5 working days" in form and 'value="2026-12-08T08:00:00+01:00"' in form
    no_contact = agent.post(
        "/t/AAA/appointments/book/",
        {"office": office.pk, "day": "2026-12-08", "slot": "2026-12-08T08:00:00+01:00", "name": "Nagy Béla"},
    )
    assert "phone number or e-mail address" in no_contact.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        assert not Appointment.objects.exists()
    booked = agent.post(
        "/t/AAA/appointments/book/",
        {
            "office": office.pk,
            "day": "2026-12-08",
            "slot": "2026-12-08T08:00:00+01:00",
            "name": "Nagy Béla",
            "phone": "+36 30 555 0000",
            "matter": "contract",
        },
    )
    assert booked.status_code == 302 and mail.outbox == []  # no address, no mail: the agent told the caller
    with tenancy.tenant_scope(world.a.tenant):
        a = Appointment.objects.get()
    assert a.booked_by_id == world.a.users["agent"].pk and a.matter == "contract"
    # The slot is taken online too (capacity 1).
    assert _book(Client(), office, "2026-12-08T08:00:00+01:00").status_code == 400
    week = agent.get("/t/AAA/appointments/?week=1&day=2026-12-09").content.decode()
    assert "Nagy Béla" in week and "+36 30 555 0000" in week
    # Only on the day of the visit can the visitor be marked as arrived.
    agent.post(f"/t/AAA/appointments/{a.pk}/check-in/")
    with tenancy.tenant_scope(world.a.tenant):
        a.refresh_from_db()
    assert a.checked_in_at is None
    monkeypatch.setattr(clock, "now", lambda: a.starts_at - timedelta(minutes=5))
    assert agent.post(f"/t/AAA/appointments/{a.pk}/check-in/").status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        a.refresh_from_db()
    assert a.checked_in_at is not None
    consumer = Client()
    consumer.force_login(world.a.users["consumer"])
    assert consumer.post(f"/t/AAA/appointments/{a.pk}/check-in/").status_code == 403
