"""The call-center console: nothing personal before the caller is identified, the recording id told
before the matter starts, minutes where seed 004 wants them (seeds 001, 003, 004)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from querela.audit.models import AuditEvent
from querela.calls.models import Call
from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.customers.models import Invoice
from tests.call_center.calls import open_call, register_url
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(role: str) -> Client:
    c = Client()
    assert c.login(username=f"aaa-{role}", password=PASSWORD)
    return c


def _matter(w, **extra) -> dict:
    return {
        "customer": w.customer.pk,
        "place": w.place.pk,
        "kind": "complaint",
        "category": "billing",
        "subject": "Becsült számla",
        "description": "A hívó szerint a mérőállást nem olvasták le, becsült a számla.",
        **extra,
    }


def test_before_identification_the_console_shows_only_that_someone_matches(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent, identify=False)
    page = agent.get(f"/t/AAA/calls/{call_id}/").content.decode()
    typed = Client(HTTP_HX_REQUEST="true")
    typed.force_login(w.users["agent"])
    found = typed.get("/t/AAA/customers/", {"q": w.customer.customer_number}).content.decode()
    for secret in ("Kovács Anna", "anna@aaa.example", "123 4567", "AAA-METER-1", "Petőfi"):
        assert secret not in page and secret not in found
    assert "1 customer matches" in found
    # Nor can the agent go round the console to the record itself, by page or API.
    assert agent.get(f"/t/AAA/customers/{w.customer.pk}/").status_code == 403
    assert agent.get("/api/v1/t/AAA/customers/", {"q": "Kovács"}).status_code == 403
    assert _login("clerk").get(f"/t/AAA/customers/{w.customer.pk}/").status_code == 200  # the desk checks ID cards


def test_the_customer_id_identifies_and_the_record_shows_audited(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent)
    page = agent.get(f"/t/AAA/calls/{call_id}/").content.decode()
    assert "Kovács Anna AAA" in page and "AAA-METER-1" in page and "Identified with: Customer id" in page
    with tenancy.tenant_scope(w.tenant):
        call = Call.objects.get(pk=call_id)
        assert call.customer == w.customer and call.identified_with == ["customer_number"]
        assert AuditEvent.objects.filter(action="call.identified", object_id=call.recording_id).exists()
        assert AuditEvent.objects.filter(action="personal_data.view", object_id=w.customer.customer_number).exists()


def test_two_other_items_identify_and_a_wrong_one_does_not(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent, identify=False)
    wrong = agent.post(
        f"/t/AAA/calls/{call_id}/identify/", {"meter_serial": "AAA-METER-1", "name": "Nagy Béla"}
    ).content.decode()
    assert "Not identified" in wrong and "Kovács Anna" not in wrong
    right = agent.post(
        f"/t/AAA/calls/{call_id}/identify/", {"meter_serial": "aaa-meter-1", "address": "Petofi utca 1"}, follow=True
    ).content.decode()
    assert "Kovács Anna AAA" in right
    with tenancy.tenant_scope(w.tenant):
        failed = AuditEvent.objects.get(action="call.identification_failed")
    assert failed.changes["items"] == ["meter_serial", "name"]  # which items, not what was said


def test_a_caller_who_keeps_guessing_is_stopped(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent, identify=False)
    for n in range(5):
        agent.post(f"/t/AAA/calls/{call_id}/identify/", {"customer_number": f"AAA100000{n + 2}"})
    last = agent.post(f"/t/AAA/calls/{call_id}/identify/", {"customer_number": w.customer.customer_number})
    assert last.status_code == 400 and "Too many failed attempts" in last.content.decode()


def test_another_suppliers_customer_is_no_match(world):
    a, b = world.a, world.b
    agent = _login("agent")
    call_id = open_call(a, agent, identify=False)
    page = agent.post(f"/t/AAA/calls/{call_id}/identify/", {"customer_number": b.customer.customer_number})
    assert page.status_code == 400 and "Kovács Anna BBB" not in page.content.decode()


def test_balances_and_arrears_are_never_on_the_phone_console(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        Invoice.objects.create(customer=w.customer, number="SZ-1", issued_on="2026-11-01", amount=Decimal("48213.77"))
    agent = _login("agent")
    page = agent.get(f"/t/AAA/calls/{open_call(w, agent)}/").content.decode()
    assert "48213" not in page and "48 213" not in page and "48,213" not in page
    assert "never given by phone" in page


def test_nothing_is_registered_before_the_caller_heard_the_recording_id(world):
    w = world.a
    agent = _login("agent")
    started = agent.post("/t/AAA/calls/start/", {})
    call_id = int(started["Location"].rstrip("/").split("/")[-1])
    page = agent.get(started["Location"]).content.decode()
    with tenancy.tenant_scope(w.tenant):
        recording_id = Call.objects.get(pk=call_id).recording_id
    assert recording_id in page and "I told the caller" in page
    refused = agent.post(register_url(w, call_id), _matter(w, customer=""))
    assert refused.status_code == 400 and "First tell the caller" in refused.content.decode()
    with tenancy.tenant_scope(w.tenant):
        assert not Complaint.objects.exists()


def test_a_matter_for_a_customer_not_identified_on_this_call_is_refused(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent, identify=False)
    refused = agent.post(register_url(w, call_id), _matter(w))
    assert refused.status_code == 400 and "Identify the caller" in refused.content.decode()
    # An unidentified caller may still report something, as a contact without a customer record.
    agent.post(
        register_url(w, call_id),
        _matter(
            w,
            customer="",
            place="",
            kind="public_interest",
            contact_name="Járókelő",
            contact_phone="+36 30 999 0000",
            subject="Kidőlt oszlop",
        ),
    )
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(subject="Kidőlt oszlop")
    assert c.customer is None and c.channel == "phone"


def test_a_matter_handed_on_gets_minutes_with_every_element(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent)
    response = agent.post(
        register_url(w, call_id),
        _matter(w, outcome="back_office", statement="Leolvasást rendelünk el; a számlát helyesbítjük, ha indokolt."),
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        call = Call.objects.get(pk=call_id)
        minutes = c.attachments.get(filename=f"minutes-{c.reference}.pdf")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(minutes.file.read())).pages)
    assert c.call_recording == call.recording_id and not c.resolved_on_spot
    for element in (
        "Kovács Anna AAA",
        w.customer.customer_number,
        "Petőfi utca 1.",
        call.recording_id,
        "Becsült számla",
        "mérőállást nem olvasták le",
        "Leolvasást rendelünk el",
        c.reference,
    ):
        assert element in text, element


def test_no_minutes_when_the_recording_holds_everything_and_the_customer_agrees(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent)
    agent.post(register_url(w, call_id), _matter(w, outcome="back_office", minutes_waived="on"))
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        assert not c.attachments.exists() and Call.objects.get(pk=call_id).minutes_waived
        assert AuditEvent.objects.filter(action="call.minutes_waived", object_id=c.reference).exists()


def test_a_customer_who_disagrees_is_not_settled_on_the_spot(world):
    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent)
    refused = agent.post(
        register_url(w, call_id), _matter(w, outcome="on_spot", answer="Rendben van a számla.", customer_disagrees="on")
    )
    assert refused.status_code == 400 and "disagrees" in refused.content.decode()
    agent.post(register_url(w, call_id), _matter(w, outcome="back_office", customer_disagrees="on"))
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        minutes = c.attachments.get()
        text = PdfReader(io.BytesIO(minutes.file.read())).pages[0].extract_text()
    assert "disagrees" in text and c.status == "registered"


def test_an_agent_sees_only_own_calls_a_supervisor_all(world):
    w = world.a
    mine = open_call(w, _login("agent"))
    with tenancy.tenant_scope(w.tenant):
        from django.contrib.auth import get_user_model

        from querela.tenants.models import Membership

        other = get_user_model().objects.create_user("aaa-agent2", "a2@example.test", PASSWORD)
        Membership.objects.create(user=other, role="agent")
    second = Client()
    second.force_login(other)
    assert second.get(f"/t/AAA/calls/{mine}/").status_code == 404
    assert _login("supervisor").get(f"/t/AAA/calls/{mine}/").status_code == 200
    assert _login("handler").get(f"/t/AAA/calls/{mine}/").status_code == 403


def test_the_identified_console_costs_the_same_for_a_long_history(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from querela.complaints.services import complaint_register

    w = world.a
    agent = _login("agent")
    call_id = open_call(w, agent)
    url = f"/t/AAA/calls/{call_id}/"

    def cost() -> int:
        agent.get(url)
        with CaptureQueriesContext(connection) as captured:
            agent.get(url)
        return len(captured)

    few = cost()
    with tenancy.tenant_scope(w.tenant):
        for i in range(6):
            complaint_register(
                actor=w.actor("agent"), channel="post", subject=f"S{i}", description="d", customer=w.customer
            )
    assert cost() == few
