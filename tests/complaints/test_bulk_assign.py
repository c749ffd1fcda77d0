"""A supervisor gives several complaints to one handler at once from the worklist; what can't move is
named with its reason and the rest still moves."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy

pytestmark = pytest.mark.django_db


def _complaint(w, subject: str) -> Complaint:
    return complaint_register(
        actor=w.actor("clerk"), channel="post", subject=subject, description="d", customer=w.customer, place=w.place
    )


def test_the_chosen_complaints_go_to_one_handler_and_refusals_are_named(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        waiting = _complaint(w, "Várakozó")
        investigated = _complaint(w, "Vizsgált")
        boss, handler = w.actor("supervisor"), w.actor("handler")
        complaint_transition(
            actor=boss, complaint_id=investigated.pk, action="assign", assignee_id=w.users["handler"].pk
        )
        complaint_transition(actor=handler, complaint_id=investigated.pk, action="start_investigation")
        finished = _complaint(w, "Lezárt")
        complaint_transition(actor=boss, complaint_id=finished.pk, action="assign", assignee_id=w.users["handler"].pk)
        complaint_transition(actor=handler, complaint_id=finished.pk, action="start_investigation")
        complaint_transition(
            actor=handler, complaint_id=finished.pk, action="answer", text="Rendben.", decision="upheld"
        )
    supervisor = Client()
    supervisor.force_login(w.users["supervisor"])
    page = supervisor.get("/t/AAA/complaints/?view=").content.decode()
    assert 'name="ids"' in page and "Assign the chosen to" in page
    response = supervisor.post(
        "/t/AAA/complaints/assign/",
        {"ids": [waiting.pk, investigated.pk, finished.pk], "assignee": w.users["supervisor"].pk, "back": "?view=mine"},
        follow=True,
    )
    text = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/t/AAA/complaints/?view=mine")
    assert "2 complaints assigned." in text and finished.reference in text
    with tenancy.tenant_scope(w.tenant):
        owners = dict(Complaint.objects.values_list("subject", "assignee_id"))
    assert owners["Várakozó"] == owners["Vizsgált"] == w.users["supervisor"].pk
    assert owners["Lezárt"] == w.users["handler"].pk
    handler_client = Client()
    handler_client.force_login(w.users["handler"])
    assert handler_client.post("/t/AAA/complaints/assign/", {"ids": [waiting.pk], "assignee": 1}).status_code == 403
    assert 'name="ids"' not in handler_client.get("/t/AAA/complaints/").content.decode()
