"""The mail inbox shows what became of each mail; held mail is registered by a person's click."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.test import Client

from querela.core import tenancy
from querela.intake.inbound import inbound_store
from querela.intake.models import InboundMessage, InboundStatus
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _login(role: str) -> Client:
    c = Client()
    assert c.login(username=f"aaa-{role}", password=PASSWORD)
    return c


def _flood(w, n: int) -> list[InboundMessage]:
    with tenancy.tenant_scope(w.tenant):
        w.tenant.intake_limit_per_sender = 1
        w.tenant.save()
    out = []
    for i in range(n):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"], m["Message-ID"] = "x@example.net", w.tenant.mailbox, f"s{i}", f"<f{i}@x>"
        m.set_content("hi")
        out.append(inbound_store(raw=m.as_bytes(), tenant=w.tenant, source="smtp"))
    return out


def test_held_mail_is_shown_and_a_supervisor_registers_it(world) -> None:
    w = world.a
    held = _flood(w, 2)[1]
    page = _login("supervisor").get(f"/t/{w.tenant.code}/inbox/?status=held")
    assert page.status_code == 200
    html = page.content.decode()
    assert "sender not verified" in html and f"/inbox/{held.pk}/release/" in html
    answer = _login("supervisor").post(f"/t/{w.tenant.code}/inbox/{held.pk}/release/", follow=True)
    assert answer.status_code == 200
    with tenancy.tenant_scope(w.tenant):
        held.refresh_from_db()
        assert held.status == InboundStatus.REGISTERED and held.complaint is not None


def test_an_agent_sees_no_release_button_and_cant_release(world) -> None:
    w = world.a
    held = _flood(w, 2)[1]
    agent = _login("agent")
    assert f"/inbox/{held.pk}/release/" not in agent.get(f"/t/{w.tenant.code}/inbox/").content.decode()
    assert agent.post(f"/t/{w.tenant.code}/inbox/{held.pk}/release/").status_code == 403
    with tenancy.tenant_scope(w.tenant):
        held.refresh_from_db()
        assert held.status == InboundStatus.HELD


def test_the_inbox_costs_the_same_statements_for_few_or_many_mails(world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world.a
    supervisor = _login("supervisor")
    _flood(w, 2)
    supervisor.get(f"/t/{w.tenant.code}/inbox/")  # the session's first request pays one-off work
    with CaptureQueriesContext(connection) as few:
        assert supervisor.get(f"/t/{w.tenant.code}/inbox/").status_code == 200
    for i in range(6):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"], m["Message-ID"] = f"p{i}@example.net", w.tenant.mailbox, "s", f"<p{i}@x>"
        m.set_content("hi")
        inbound_store(raw=m.as_bytes(), tenant=w.tenant, source="smtp")
    with CaptureQueriesContext(connection) as many:
        assert supervisor.get(f"/t/{w.tenant.code}/inbox/").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
