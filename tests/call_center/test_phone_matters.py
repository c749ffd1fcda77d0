"""Seed 001: arrears and balances are never given by phone; such a call is refused, told where, and logged."""

from __future__ import annotations

from django.test import Client

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint, EntryType
from querela.core import tenancy
from querela.intake.models import OutboundEmail
from tests.call_center.calls import open_call, register_url


def _call(w, matter: str):
    agent = Client()
    agent.force_login(w.users["agent"])
    call_id = open_call(w, agent)
    return agent, agent.post(
        register_url(w, call_id),
        {
            "customer": w.customer.pk,
            "place": w.place.pk,
            "matter": matter,
            "kind": "complaint",
            "category": "billing",
            "subject": "Mennyi a tartozásom?",
            "description": "A hívó a hátraléka összegét kérdezi.",
            "reply_channel": "email",
        },
    )


def test_a_balance_query_by_phone_is_refused_with_the_suppliers_text_and_logged(world):
    w = world.a
    agent, response = _call(w, "balance")
    assert response.status_code == 302
    page = agent.get(response["Location"]).content.decode()
    assert "Not a phone matter" in page and "Balances are not given by phone" in page
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        said = c.timeline.get(entry_type=EntryType.OUTBOUND)
        logged = AuditEvent.objects.filter(action="complaint.refuse_by_phone", object_id=c.reference).exists()
        assert not OutboundEmail.objects.exists()  # said on the phone, nothing mailed
    assert (c.kind, c.status, c.channel) == ("balance_query", "redirected", "phone")
    assert said.channel == "phone" and "Balances are not given by phone" in said.body
    assert "Balances are not given by phone" in c.redirect_explanation and logged and not c.resolved_on_spot


def test_a_phone_able_matter_is_registered_as_usual(world):
    w = world.a
    _call(w, "complaint")
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
    assert c.kind == "complaint" and c.status == "registered"


def test_the_tenant_admins_matter_table_decides(world):
    admin = Client()
    admin.force_login(world.a.users["tenant_admin"])
    saved = admin.post(
        "/t/AAA/admin/public-site/matters/balance/",
        {"balance-route": "contact", "balance-position": "90", "balance-is_active": "on", "balance-by_phone": "on"},
    )
    assert saved.status_code == 302
    _call(world.a, "balance")
    with tenancy.tenant_scope(world.a.tenant):
        assert Complaint.objects.get().status != "redirected"
