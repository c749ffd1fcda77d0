"""Answers by post are printed: a real PDF letter in the customer's language, with its letters intact."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from querela.audit.models import AuditEvent
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_answer_by_post_prints_as_a_letter_with_hungarian_polish_and_romanian_letters(world) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.language = "hu"
        w.customer.mailing_address = "4400 Nyíregyháza, Petőfi utca 1."
        w.customer.save()
        c = complaint_register(
            actor=w.actor("agent"),
            channel="post",
            subject="Számla",
            description="Levél.",
            customer=w.customer,
            place=w.place,
        )
        h = w.actor("handler")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign")
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
        text = "Őszintén sajnáljuk; űrlap. Zażółć gęślą jaźń. Știm că țineți la asta."
        complaint_transition(actor=h, complaint_id=c.pk, action="answer", text=text)
        answer = c.timeline.get(data__purpose="answer")
    assert answer.channel == "post"
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    page = client.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert f"/letters/{answer.pk}.pdf" in page
    response = client.get(f"/t/AAA/complaints/{c.reference}/letters/{answer.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    extracted = " ".join(page.extract_text() for page in pdf.pages)
    for word in ("Őszintén", "űrlap", "Zażółć", "gęślą", "jaźń", "Știm", "țineți", c.reference, "Nyíregyháza"):
        assert word in extracted, word
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="personal_data.letter", object_id=c.reference).exists()
