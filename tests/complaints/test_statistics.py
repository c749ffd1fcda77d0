"""The supervisor's figures (seeds 001, 004): a complaint settled during the call is answered on time on
its first day — never counted open or late; written answers are on time by the tenant's calendar day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from querela.complaints.models import DeadlineStep
from querela.complaints.services import complaint_register, complaint_register_on_spot
from querela.complaints.statistics import answer_statistics
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy

pytestmark = pytest.mark.django_db


def _written(w, subject: str, *, answered: bool, due_shift: int | None = None):
    c = complaint_register(
        actor=w.actor("agent"), channel="post", subject=subject, description="d", customer=w.customer, place=w.place
    )
    if answered:
        boss, handler = w.actor("supervisor"), w.actor("handler")
        complaint_transition(actor=boss, complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk)
        complaint_transition(actor=handler, complaint_id=c.pk, action="start_investigation")
        complaint_transition(actor=handler, complaint_id=c.pk, action="answer", text="Helyesbítettük.")
    if due_shift is not None:
        today = clock.tenant_today(w.tenant)
        DeadlineStep.objects.filter(complaint=c, step="answer").update(due_date=today + timedelta(days=due_shift))
    return c


def test_on_the_spot_written_late_and_open_are_told_apart(in_a):
    w = in_a
    complaint_register_on_spot(
        actor=w.actor("agent"),
        kind="complaint",
        channel="phone",
        subject="Kétszeres számla",
        description="d",
        customer=w.customer,
        place=w.place,
        answer="Sztornóztuk.",
        confirm_in_writing=False,
    )
    _written(w, "on time", answered=True)
    _written(w, "late", answered=True, due_shift=-1)
    _written(w, "open, past due", answered=False, due_shift=-2)
    _written(w, "open", answered=False)
    complaint_register(
        actor=w.actor("agent"),
        kind="information_request",
        channel="post",
        subject="Kérdés",
        description="d",
        customer=w.customer,
    )
    stats = answer_statistics(actor=w.actor("supervisor"))
    assert (stats.received, stats.complaints, stats.on_the_spot) == (6, 5, 1)
    assert (stats.in_writing_on_time, stats.in_writing_late) == (1, 1)
    assert (stats.open_overdue, stats.open_in_time) == (1, 2)  # the information request is owed an answer too
    assert dict(stats.by_channel) == {"post": 5, "phone": 1}


def test_the_supervisor_sees_the_figures(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        complaint_register_on_spot(
            actor=w.actor("agent"),
            kind="complaint",
            channel="phone",
            subject="Kétszeres számla",
            description="d",
            customer=w.customer,
            answer="Sztornóztuk.",
            confirm_in_writing=False,
        )
        complaint_register(
            actor=w.actor("clerk"), channel="post", subject="Levél", description="d", customer=w.customer, place=w.place
        )
    boss = Client()
    boss.force_login(w.users["supervisor"])
    page = boss.get("/t/AAA/").content.decode()
    assert "Answered on the spot" in page and 'data-figure="on_the_spot">1<' in page
    assert 'data-figure="open_overdue">0<' in page
    assert '?status=registered"><span class="n">1</span>' in page  # open complaints counted by state
