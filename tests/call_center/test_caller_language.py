"""What the caller hears and reads is in the caller's language, whatever language the agent's screen is in."""

from __future__ import annotations

from django.test import Client

from querela.complaints.models import Complaint
from querela.core import tenancy
from tests.call_center.calls import open_call, register_url


def _agent_in_english(w) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(w.users["agent"])
    return client


def _matter(w, **extra) -> dict:
    return {
        "customer": w.customer.pk,
        "place": w.place.pk,
        "kind": "complaint",
        "category": "billing",
        "subject": "Számla",
        "description": "Magas a számla.",
        "minutes_waived": "on",
        **extra,
    }


def test_the_acknowledgement_is_wholly_in_the_customers_language(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.language = "hu"
        w.customer.save()
    agent = _agent_in_english(w)
    agent.post(register_url(w, open_call(w, agent)), _matter(w))
    with tenancy.tenant_scope(w.tenant):
        ack = Complaint.objects.get().timeline.get(data__purpose="acknowledge").body
    assert "nyilvántartásba vettük" in ack and "We will answer" not in ack and "december" in ack


def test_a_refused_balance_query_is_read_out_and_logged_in_the_callers_language(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.language = "hu"
        w.customer.save()
    agent = _agent_in_english(w)
    response = agent.post(register_url(w, open_call(w, agent)), _matter(w, matter="balance"), follow=True)
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
    assert c.status == "redirected" and c.redirect_explanation
    assert "not given by phone" not in c.redirect_explanation  # the English preset
    assert c.redirect_explanation in response.content.decode().replace("&#x27;", "'")
