"""Staff correct a customer's contact data, always with a reason, audited; agents can't (no personal data
outside a call)."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.customers.models import Customer

pytestmark = pytest.mark.django_db


def _form(**over) -> dict:
    return {
        "name": "Kovács Anna AAA",
        "phone": "+36 30 999 8888",
        "email": "anna@aaa.example",
        "preferred_channel": "post",
        "mailing_address": "4024 Debrecen, Petőfi utca 1.",
        **over,
    }


def test_a_change_needs_its_reason_and_is_audited(world):
    w = world.a
    clerk = Client()
    clerk.force_login(w.users["clerk"])
    url = f"/t/AAA/customers/{w.customer.pk}/edit/"
    assert "Kovács Anna AAA" in clerk.get(url).content.decode()
    refused = clerk.post(url, _form())
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    done = clerk.post(url, _form(reason="Telefonon kérte az új számát."))
    assert done.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        customer = Customer.objects.get(pk=w.customer.pk)
        event = AuditEvent.objects.get(action="customer.update")
    assert customer.phone == "+36 30 999 8888" and customer.preferred_channel == "post"
    assert event.changes["phone"] == ["+36 30 123 4567", "+36 30 999 8888"]
    assert event.changes["reason"] == "Telefonon kérte az új számát."
    agent = Client()
    agent.force_login(w.users["agent"])
    assert agent.get(url).status_code == 403
