"""A call or visit settled at once (seeds 001, 004): the answer as said, a written confirmation on request."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.complaints.models import Complaint, DeadlineStep, EntryType
from querela.complaints.services import complaint_register, complaint_resolve_on_spot
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.intake.models import OutboundEmail
from tests.call_center.calls import open_call, register_url


def _agent(w) -> Client:
    client = Client()
    client.force_login(w.users["agent"])
    return client


def _on_call(w, form: dict):
    """The agent takes a call, tells the recording id, identifies the caller and registers."""
    client = _agent(w)
    call_id = open_call(w, client)
    return client.post(register_url(w, call_id), form)


def _form(w, **extra):
    return {
        "customer": w.customer.pk,
        "place": w.place.pk,
        "kind": "complaint",
        "category": "billing",
        "subject": "Kétszeres számlázás",
        "description": "A márciusi időszak kétszer szerepel.",
        "reply_channel": "email",
        **extra,
    }


def test_the_agent_settles_a_call_and_confirms_it_in_writing(world):
    w = world.a
    response = _on_call(
        w,
        _form(
            w,
            outcome="on_spot",
            answer="A hibás számlát sztornóztuk, az új számla 5 napon belül érkezik.",
            confirm_in_writing="on",
        ),
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        outbound = list(c.timeline.filter(entry_type=EntryType.OUTBOUND).order_by("pk"))
        answer_step = DeadlineStep.objects.get(complaint=c, step="answer")
        mails = OutboundEmail.objects.filter(complaint=c).count()
    assert c.status == "answered" and c.resolved_on_spot
    # The answer as said (phone, not sent), then the written confirmation (e-mail, sent): no acknowledgement
    # promising a later answer.
    assert [(e.channel, e.data.get("purpose")) for e in outbound] == [
        ("phone", "resolve_on_spot"),
        ("email", "on_spot_confirmation"),
    ]
    assert "sztornóztuk" in outbound[1].body and c.reference in outbound[1].body
    assert mails == 1
    assert answer_step.done_at is not None  # the answer deadline is met, not open


def test_without_a_written_confirmation_nothing_is_sent(world):
    w = world.a
    _on_call(w, _form(w, outcome="on_spot", answer="Megoldottuk."))
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        assert c.status == "answered" and not OutboundEmail.objects.exists()


def test_an_empty_answer_or_a_letter_cannot_be_settled_on_the_spot(world):
    w = world.a
    refused = _on_call(w, _form(w, outcome="on_spot", answer=""))
    assert refused.status_code == 400 and "Write down the answer you gave." in refused.content.decode()
    with tenancy.tenant_scope(w.tenant):
        assert not Complaint.objects.exists()
        letter = complaint_register(
            actor=w.actor("agent"),
            channel="post",
            subject="Levél",
            description="Panasz levélben.",
            customer=w.customer,
            place=w.place,
        )
        with pytest.raises(ValidationFailed, match="by phone or in person"):
            complaint_resolve_on_spot(
                actor=w.actor("agent"), complaint_id=letter.pk, answer="Rendben.", confirm_in_writing=False
            )


def test_handing_to_the_back_office_still_acknowledges(world):
    w = world.a
    _on_call(w, _form(w, outcome="back_office"))
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
    assert c.status == "registered" and not c.resolved_on_spot


def test_the_case_file_offers_on_the_spot_steps_only_where_they_can_apply(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        letter = complaint_register(
            actor=w.actor("clerk"), channel="post", subject="Levél", description="d", customer=w.customer
        )
        visit = complaint_register(
            actor=w.actor("clerk"), channel="in_person", subject="Látogatás", description="d", customer=w.customer
        )
    handler = Client()
    handler.force_login(w.users["supervisor"])
    on_letter = handler.get(f"/t/AAA/complaints/{letter.reference}/").content.decode()
    on_visit = handler.get(f"/t/AAA/complaints/{visit.reference}/").content.decode()
    assert 'value="resolve_on_spot"' not in on_letter and 'value="refuse_by_phone"' not in on_letter
    assert 'value="resolve_on_spot"' in on_visit and 'value="refuse_by_phone"' not in on_visit
