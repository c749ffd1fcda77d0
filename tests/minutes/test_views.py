"""The front office's minutes pages: who may use them, another supplier's minutes, the appointment prefill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from querela.appointments.models import Appointment, Office
from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.minutes.models import Minutes
from querela.minutes.services import Signature, minutes_sign, minutes_take
from tests.factories import PASSWORD, ROLES

from .helpers import drawn_signature, facts, pdf_text

pytestmark = pytest.mark.django_db


def _client(w, role: str) -> Client:
    c = Client()
    assert c.login(username=w.users[role].username, password=PASSWORD)
    return c


FORM = {
    "customer_name": "Őrsi Ődön",
    "customer_address": "4024 Debrecen, Kossuth utca 12.",
    "customer_number": "",
    "customer_email": "odon@example.hu",
    "customer_phone": "+36 30 555 1234",
    "filed_at": "2026-12-02T23:30",
    "filed_place": "Debreceni iroda",
    "filing_way": "in_person",
    "subject": "Téves számla",
    "description": "A számla túl magas.",
    "evidence": "Számla SZ-1\n\nFénykép a mérőről\n",
    "statement": "Kivizsgáljuk.",
    "drawn_up_place": "Debrecen",
    "drawn_up_at": "2026-12-02T23:45",
    "reply_channel": "post",
    "copy_by": "print",
    "present-TOTAL_FORMS": "3",
    "present-INITIAL_FORMS": "0",
    "present-MIN_NUM_FORMS": "0",
    "present-MAX_NUM_FORMS": "20",
    "present-0-name": "Őrsi Ődön",
    "present-0-capacity": "owner",
    "present-1-name": "Łucja Wąsowska",
    "present-1-capacity": "staff",
    "present-2-name": "",
    "present-2-capacity": "owner",
}


ALLOWED = [r for r in ("clerk", "handler", "supervisor") if r in ROLES]


@pytest.mark.parametrize(("role", "status"), [*((r, 200) for r in ALLOWED), ("consumer", 403), ("tenant_admin", 403)])
def test_only_front_office_staff_open_the_minutes_form(world, role, status):
    assert _client(world.a, role).get("/t/AAA/minutes/new/").status_code == status


def test_the_clerk_fills_previews_signs_and_prints(world):
    w = world.a
    clerk = _client(w, "clerk")
    page = clerk.get("/t/AAA/minutes/new/").content.decode()
    for label in (
        "Customer name",
        "Time of filing",
        "Way of filing",
        "Name of person 1",
        "Capacity of person 1",
        "Documents and evidence shown",
        "The supplier&#x27;s statement on the complaint",
        "Place of the minutes",
    ):
        assert label in page, label
    assert "querela/minutes.js" in page
    response = clerk.post("/t/AAA/minutes/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenancy.tenant_scope(w.tenant):
        m = Minutes.objects.get()
        c = Complaint.objects.get()
    # Typed in the supplier's zone: 23:30 in Budapest on 2 December is 22:30 UTC.
    assert m.filed_at == datetime(2026, 12, 2, 22, 30, tzinfo=UTC) == c.received_at
    assert m.evidence == ["Számla SZ-1", "Fénykép a mérőről"] and len(m.present) == 2
    assert c.channel == "in_person"
    preview = clerk.get(response["Location"]).content.decode()
    assert "Preview" in preview and "Őrsi Ődön" in preview and "data-signature" in preview
    assert "2026-12-02 23:30" in preview
    refused = clerk.post(f"/t/AAA/minutes/{m.pk}/sign/", {"customer_typed_name": "Őrsi Ődön"})
    assert refused.status_code == 400 and "has not signed" in refused.content.decode()
    signed = clerk.post(
        f"/t/AAA/minutes/{m.pk}/sign/",
        {
            "recorder_signature": drawn_signature(),
            "customer_typed_name": "Őrsi Ődön",
            "customer_confirmed": "on",
        },
    )
    assert signed.status_code == 302
    done = clerk.get(signed["Location"]).content.decode()
    assert "print the customer" in done.lower() and f"/t/AAA/minutes/{m.pk}/minutes.pdf" in done
    pdf = clerk.get(f"/t/AAA/minutes/{m.pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Łucja Wąsowska" in pdf_text(pdf.content)
    case = clerk.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "Version 1" in case and f"/t/AAA/minutes/{m.pk}/minutes.pdf" in case
    with tenancy.tenant_scope(w.tenant):
        actions = set(AuditEvent.objects.filter(object_type="minutes").values_list("action", flat=True))
    assert {"minutes.create", "minutes.sign", "personal_data.view", "personal_data.download"} <= actions
    # Signed: the edit page sends back, and a correction is offered.
    assert clerk.get(f"/t/AAA/minutes/{m.pk}/edit/").status_code == 302
    assert f"/t/AAA/minutes/{m.pk}/correct/" in done


def test_a_correction_shows_on_the_complaint_as_the_version_it_corrects(world):
    w = world.a
    clerk = _client(w, "clerk")
    with tenancy.tenant_scope(w.tenant):
        m = minutes_take(
            actor=w.actor("clerk"),
            facts=facts(filed_at=clock.now() - timedelta(hours=1), drawn_up_at=clock.now() - timedelta(minutes=30)),
        )
        typed = Signature(typed_name="Őrsi Ődön", confirmed=True)
        minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=typed, customer=typed)
    form = clerk.get(f"/t/AAA/minutes/{m.pk}/correct/").content.decode()
    assert "Téves elszámolás a novemberi számlán" in form and "stays as it is" in form
    data = {**FORM, "subject": "Javított tárgy", "filed_at": "2026-12-01T10:00", "drawn_up_at": "2026-12-01T10:30"}
    response = clerk.post(f"/t/AAA/minutes/{m.pk}/correct/", data)
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        v2 = Minutes.objects.get(version=2)
    assert v2.supersedes_id == m.pk
    # Asking again for a correction of version 1 opens the one being written.
    assert clerk.get(f"/t/AAA/minutes/{m.pk}/correct/")["Location"] == f"/t/AAA/minutes/{v2.pk}/"
    clerk.post(
        f"/t/AAA/minutes/{v2.pk}/sign/",
        {
            "recorder_typed_name": "Agent",
            "recorder_confirmed": "on",
            "customer_typed_name": "Őrsi Ődön",
            "customer_confirmed": "on",
        },
    )
    case = clerk.get(f"/t/AAA/complaints/{m.complaint.reference}/").content.decode()
    assert "Version 2, corrects version 1" in case and "corrected by version 2" in case
    assert f"/t/AAA/minutes/{m.pk}/minutes.pdf" in case and f"/t/AAA/minutes/{v2.pk}/minutes.pdf" in case


def test_a_complaint_made_in_person_offers_minutes_one_by_e_mail_does_not(world):
    w = world.a
    from querela.complaints.services import complaint_register

    with tenancy.tenant_scope(w.tenant):
        oral = complaint_register(
            actor=w.actor("clerk"), channel="in_person", subject="Személyesen", description="x", customer=w.customer
        )
        written = complaint_register(
            actor=w.actor("clerk"), channel="email", subject="Levél", description="x", customer=w.customer
        )
    clerk = _client(w, "clerk")
    assert "Take minutes" in clerk.get(f"/t/AAA/complaints/{oral.reference}/").content.decode()
    assert "Take minutes" not in clerk.get(f"/t/AAA/complaints/{written.reference}/").content.decode()
    form = clerk.get(f"/t/AAA/complaints/{oral.reference}/minutes/new/").content.decode()
    assert "Személyesen" in form and w.customer.name in form
    assert _client(w, "consumer").get(f"/t/AAA/complaints/{oral.reference}/minutes/new/").status_code == 403


def test_another_suppliers_minutes_are_not_there(world):
    with tenancy.tenant_scope(world.b.tenant):
        m = minutes_take(
            actor=world.b.actor("clerk"),
            facts=facts(filed_at=clock.now() - timedelta(hours=1), drawn_up_at=clock.now()),
        )
    clerk = _client(world.a, "supervisor")
    for path in ("/", "/edit/", "/correct/", "/minutes.pdf"):
        assert clerk.get(f"/t/AAA/minutes/{m.pk}{path}").status_code == 404, path
    assert clerk.post(f"/t/AAA/minutes/{m.pk}/sign/", {"recorder_typed_name": "x"}).status_code == 404
    # B's own staff through A's address: not a member of A.
    assert _client(world.b, "clerk").get(f"/t/AAA/minutes/{m.pk}/").status_code == 404


@pytest.fixture
def visit(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        office = Office.objects.create(
            name="Debreceni iroda", address="4024 Debrecen, Kossuth u. 12.", opening_hours={}
        )
        start = datetime(2026, 12, 3, 8, 20, tzinfo=UTC)  # 09:20 in Budapest
        return Appointment.objects.create(
            office=office,
            starts_at=start,
            ends_at=start + timedelta(minutes=20),
            matter="contract",
            name="Szőke Zsófia",
            email="zsofia@example.hu",
            phone="+36 30 999 0000",
            customer_number=w.customer.customer_number,
            requested_at=start - timedelta(days=2),
            checked_in_at=start,
        )


def test_a_checked_in_visitor_gets_minutes_filled_from_the_booking(world, visit):
    w = world.a
    clerk = _client(w, "clerk")
    day = clerk.get("/t/AAA/appointments/?day=2026-12-03").content.decode()
    assert f"/t/AAA/minutes/new/?appointment={visit.pk}" in day
    page = clerk.get(f"/t/AAA/minutes/new/?appointment={visit.pk}").content.decode()
    assert 'value="Szőke Zsófia"' in page and 'value="zsofia@example.hu"' in page and "+36 30 999 0000" in page
    assert 'value="Debreceni iroda, 4024 Debrecen, Kossuth u. 12."' in page
    assert 'value="2026-12-03T09:20"' in page  # the appointment's time, in the supplier's zone
    assert 'value="appointment" checked' in page or 'value="appointment" selected' in page
    assert w.customer.customer_number in page
    # A handler may see the customer on file: the address comes from the customer's record.
    handler_page = _client(w, "handler").get(f"/t/AAA/minutes/new/?appointment={visit.pk}").content.decode()
    assert "Petőfi utca 1." in handler_page


def test_a_visitor_not_yet_checked_in_has_no_minutes_link(world, visit):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        Appointment.objects.filter(pk=visit.pk).update(checked_in_at=None)
    clerk = _client(w, "clerk")
    assert "?appointment=" not in clerk.get("/t/AAA/appointments/?day=2026-12-03").content.decode()
    assert clerk.get(f"/t/AAA/minutes/new/?appointment={visit.pk}").status_code == 404
    assert clerk.get("/t/AAA/minutes/new/?appointment=x").status_code == 404
