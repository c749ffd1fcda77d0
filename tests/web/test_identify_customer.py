"""An unidentified complaint: the office links the customer, and only then registers it (seeds 000, 004)."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import Status
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.customers.models import Customer, Meter
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _unidentified(w) -> Complaint:
    with tenancy.tenant_scope(w.tenant):
        return complaint_register(
            actor=w.actor("agent"),
            channel="post",
            subject="Letter",
            description="My bill is wrong",
            contact_name="Kovács Anna",
        )


def _login(role: str) -> Client:
    c = Client()
    assert c.login(username=f"aaa-{role}", password=PASSWORD)
    return c


def test_a_complaint_without_a_customer_cannot_be_registered(world, in_a) -> None:
    c = _unidentified(world.a)
    assert c.status == Status.RECEIVED
    with pytest.raises(ValidationFailed) as err:
        complaint_transition(actor=in_a.actor("handler"), complaint_id=c.pk, action="register")
    assert err.value.code == "customer_required"


def test_linking_by_meter_serial_finds_customer_and_place_then_registering_works(world) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        Meter.objects.create(place=w.place, serial="HU-88-001234")
    c = _unidentified(w)
    page = (
        _login("handler")
        .post(f"/t/AAA/complaints/{c.reference}/identify/", {"query": "hu-88-001234"}, follow=True)
        .content.decode()
    )
    assert "Linked to" in page
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert (c.customer_id, c.place_id) == (w.customer.pk, w.place.pk)
        assert AuditEvent.objects.filter(action="complaint.update", object_id=c.reference).exists()
        complaint_transition(actor=w.actor("handler"), complaint_id=c.pk, action="register")
        c.refresh_from_db()
        assert c.status == Status.REGISTERED and c.answer_due is not None


def test_an_unknown_number_says_so_and_another_tenants_customer_is_not_found(world) -> None:
    c = _unidentified(world.a)
    page = (
        _login("handler")
        .post(f"/t/AAA/complaints/{c.reference}/identify/", {"query": world.b.customer.customer_number}, follow=True)
        .content.decode()
    )
    assert "No customer has this customer id or meter serial number." in page
    with tenancy.tenant_scope(world.a.tenant):
        c.refresh_from_db()
        assert c.customer_id is None


def test_a_clerk_creates_a_visitor_with_place_and_meter(world) -> None:
    response = _login("clerk").post(
        "/t/AAA/customers/new/",
        {
            "customer_number": "3100999888",
            "name": "Szabó Péter",
            "phone": "+36 20 555 1234",
            "preferred_channel": "phone",
            "address": "Fő utca 3.",
            "postal_code": "4400",
            "city": "Nyíregyháza",
            "service_type": "electricity",
            "meter_serials": "M-1, M-2",
        },
        follow=True,
    )
    assert "Szabó Péter" in response.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        customer = Customer.objects.get(customer_number="3100999888")
        assert sorted(Meter.objects.filter(place__customer=customer).values_list("serial", flat=True)) == ["M-1", "M-2"]
    # the same customer id twice is refused with a reason, nothing half-made
    again = (
        _login("clerk")
        .post(
            "/t/AAA/customers/new/",
            {"customer_number": "3100999888", "name": "Other", "preferred_channel": "post"},
        )
        .content.decode()
    )
    assert "already exists" in again


def test_a_customer_search_that_shows_people_is_audited(world) -> None:
    _login("clerk").get("/t/AAA/customers/", {"q": world.a.customer.customer_number})
    with tenancy.tenant_scope(world.a.tenant):
        event = AuditEvent.objects.get(action="personal_data.search")
        assert world.a.customer.customer_number in event.changes["shown"]


def test_identifying_by_name_links_only_a_single_match(world) -> None:
    w = world.a
    c = _unidentified(w)
    page = (
        _login("handler")
        .post(f"/t/AAA/complaints/{c.reference}/identify/", {"query": "kovacs anna"}, follow=True)
        .content.decode()
    )
    assert "Linked to" in page  # "Kovács Anna AAA", found without accents
    with tenancy.tenant_scope(w.tenant):
        Customer.objects.create(customer_number="AAA-2", name="Kovács Anna Mária")
    other = _unidentified(w)
    page = (
        _login("handler")
        .post(f"/t/AAA/complaints/{other.reference}/identify/", {"query": "Kovács Anna"}, follow=True)
        .content.decode()
    )
    assert "Several customers match" in page and "AAA-2" in page
