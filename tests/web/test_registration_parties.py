"""A registration that names a customer, place or representative that isn't this supplier's (or isn't
the caller's own) is refused with a reason and the form keeps what was typed; nothing is dropped
silently and nothing is registered against the wrong person."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.tenants.models import ApiToken
from querela.tenants.tokens import digest
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _agent() -> Client:
    c = Client()
    assert c.login(username="aaa-agent", password=PASSWORD)
    return c


def _form(w, **over) -> dict:
    data = {
        "customer": w.customer.pk,
        "place": w.place.pk,
        "channel": "in_person",
        "kind": "complaint",
        "category": "billing",
        "subject": "Idegen hely",
        "description": "A hívó egy másik mérőhelyről beszél.",
    }
    return {**data, **over}


def test_another_suppliers_place_is_refused_on_the_agents_form(world) -> None:
    a, b = world.a, world.b
    response = _agent().post("/t/AAA/complaints/register/", _form(a, place=b.place.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "No such consumption place here." in page and "A hívó egy másik mérőhelyről beszél." in page
    with tenancy.tenant_scope(a.tenant):
        assert not Complaint.objects.filter(subject="Idegen hely").exists()


def test_another_customers_place_is_refused(world) -> None:
    a = world.a
    with tenancy.tenant_scope(a.tenant):
        from querela.customers.models import ConsumptionPlace, Customer

        other = Customer.objects.create(customer_number="OTHER-1", name="Más Ügyfél")
        place = ConsumptionPlace.objects.create(
            customer=other, address="Fő utca 2.", postal_code="4400", city="Nyíregyháza", service_type="electricity"
        )
    response = _agent().post("/t/AAA/complaints/register/", _form(a, place=place.pk))
    assert response.status_code == 400
    assert "does not belong to this customer" in response.content.decode()


def test_the_api_refuses_an_unknown_place_with_a_reason(world) -> None:
    a, b = world.a, world.b
    with tenancy.tenant_scope(a.tenant):
        ApiToken.objects.create(user=a.users["agent"], key_sha256=digest("k" * 40))
    api = Client(HTTP_AUTHORIZATION="Token " + "k" * 40)
    response = api.post(
        "/api/v1/t/AAA/complaints/",
        {
            "channel": "in_person",
            "subject": "API idegen hely",
            "description": "x",
            "customer_number": a.customer.customer_number,
            "place_id": b.place.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "consumption place" in str(response.json()).lower()
    with tenancy.tenant_scope(a.tenant):
        assert not Complaint.objects.filter(subject="API idegen hely").exists()


def test_an_unknown_customer_keeps_the_agents_form_instead_of_a_not_found_page(world) -> None:
    a = world.a
    response = _agent().post("/t/AAA/complaints/register/", _form(a, customer=987654, place=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "No such customer here." in page and "A hívó egy másik mérőhelyről beszél." in page
    assert page.count("No such customer here.") == 1


def test_a_very_long_description_gets_the_forms_message_with_the_rest_kept(world) -> None:
    a = world.a
    response = _agent().post("/t/AAA/complaints/register/", _form(a, description="x" * 3_000_000))
    assert response.status_code == 400
    page = response.content.decode()
    assert "100000" in page.replace("\u00a0", "").replace(",", "").replace(" ", "") and "Idegen hely" in page


def _clerk() -> Client:
    c = Client()
    assert c.login(username="aaa-clerk", password=PASSWORD)
    return c


def test_the_customers_only_place_is_chosen_and_a_refused_form_keeps_the_place_typed(world) -> None:
    import re

    a = world.a
    page = _clerk().get(f"/t/AAA/customers/{a.customer.pk}/").content.decode()
    only = re.search(r'<select name="place" id="id_place">.*?</select>', page, re.S).group(0)
    assert f'<option value="{a.place.pk}" selected>' in only  # the customer has one place: it is the one
    with tenancy.tenant_scope(a.tenant):
        from querela.customers.models import ConsumptionPlace

        second = ConsumptionPlace.objects.create(
            customer=a.customer, address="Kossuth tér 3.", postal_code="4024", city="Debrecen", service_type="gas"
        )
    page = _clerk().get(f"/t/AAA/customers/{a.customer.pk}/").content.decode()
    assert " selected>" not in re.search(r'<select name="place" id="id_place">.*?</select>', page, re.S).group(0)
    refused = _clerk().post("/t/AAA/complaints/register/", _form(a, place=second.pk, subject=""))
    assert refused.status_code == 400
    kept = re.search(r'<select name="place" id="id_place">.*?</select>', refused.content.decode(), re.S).group(0)
    assert f'<option value="{second.pk}" selected>' in kept
