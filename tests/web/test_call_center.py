"""The call center registers a phone complaint while the caller waits."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.complaints.models import Complaint
from querela.core import tenancy
from tests.call_center.calls import open_call, register_url
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _agent() -> Client:
    c = Client()
    assert c.login(username="aaa-agent", password=PASSWORD)
    return c


def test_a_refused_form_keeps_what_the_agent_typed(world) -> None:
    response = _agent().post(
        "/t/AAA/complaints/register/",
        {
            "channel": "post",
            "received_at": "yesterday-ish",
            "kind": "complaint",
            "category": "billing",
            "subject": "Kétszer számláztak",
            "description": "A hívó szerint a márciusi számla kétszer jött.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Kétszer számláztak" in page and "A hívó szerint a márciusi számla kétszer jött." in page
    with tenancy.tenant_scope(world.a.tenant):
        assert not Complaint.objects.exists()


def test_a_phone_complaint_keeps_its_recording_id_and_answers_as_the_customer_prefers(world) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.preferred_channel = "email"
        w.customer.save()
    agent = _agent()
    call_id = open_call(w, agent, recording_id="REC-2026-0042")  # the telephony system's id
    agent.post(
        register_url(w, call_id),
        {
            "customer": w.customer.pk,
            "place": w.place.pk,
            "kind": "complaint",
            "category": "billing",
            "subject": "Telefonos panasz",
            "description": "Magas a számla.",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(subject="Telefonos panasz")
        assert (c.channel, c.call_recording, c.reply_channel, c.status) == (
            "phone",
            "REC-2026-0042",
            "email",
            "registered",
        )
        ack = c.timeline.get(data__purpose="acknowledge")  # confirmed in writing, with the answer date
        assert c.reference in ack.body and ack.channel == "email"
