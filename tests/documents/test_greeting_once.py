"""The customer reads one greeting (issue 13): an answer written with its own greeting is not wrapped in
a second one, by e-mail or on paper; one without gets the supplier's. An operator company signs on
behalf of the supplier it works for (seed 000)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from querela.documents.greetings import opens_with_greeting
from querela.documents.letters import letter_pdf
from querela.intake.models import OutboundEmail
from querela.tenants.models import OperatorCompany


@pytest.mark.pure
@pytest.mark.parametrize(
    "text",
    [
        "Dear Ms Kovács,\n\nThank you…",
        "Tisztelt Kovács Éva!\n\nKöszönjük…",
        "  \n\nSzanowna Pani,\nDziękujemy…",
        "Stimată doamnă Popescu,\nVă mulțumim…",
        "Kedves Ügyfelünk!",
    ],
)
def test_a_greeting_is_recognised_in_each_language(text: str) -> None:
    assert opens_with_greeting(text)


@pytest.mark.pure
@pytest.mark.parametrize(
    "text",
    [
        "",
        "We have checked your meter.",
        "Dear " + "x" * 200,  # a first sentence, not a greeting line
        "The Dear John letter you mention…",
    ],
)
def test_a_text_without_a_greeting_is_recognised(text: str) -> None:
    assert not opens_with_greeting(text)


@pytest.mark.pure
@given(st.text(max_size=2_000))
def test_any_text_is_judged_without_error(text: str) -> None:
    assert opens_with_greeting(text) in (True, False)
    assert opens_with_greeting("Dear Customer,\n" + text)


def _answered(w, channel: str, text: str):
    with tenancy.tenant_scope(w.tenant):
        w.customer.mailing_address = "4400 Nyíregyháza, Petőfi utca 1."
        w.customer.save()
        c = complaint_register(
            actor=w.actor("agent"),
            channel=channel,
            subject="Számla",
            description="Kétszer számláztak.",
            customer=w.customer,
            place=w.place,
            contact_email="kovacs.eva@example.com",
        )
        h = w.actor("handler")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign")
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
        complaint_transition(actor=h, complaint_id=c.pk, action="answer", text=text, decision="upheld")
        return c, c.timeline.get(data__purpose="answer")


@pytest.mark.django_db
def test_an_e_mail_answer_with_its_own_greeting_carries_only_that_one(world) -> None:
    _c, answer = _answered(world.a, "email", "Dear Ms Kovács,\n\nWe corrected the invoice.")
    with tenancy.tenant_scope(world.a.tenant):
        body = OutboundEmail.objects.get(entry=answer).body
    assert body.count("Dear") == 1 and body.startswith("Dear Ms Kovács,")


@pytest.mark.django_db
def test_an_e_mail_answer_without_a_greeting_gets_the_suppliers(world) -> None:
    _c, answer = _answered(world.a, "email", "We corrected the invoice.")
    with tenancy.tenant_scope(world.a.tenant):
        body = OutboundEmail.objects.get(entry=answer).body
    assert body.startswith("Dear Customer,\n\nWe corrected the invoice.")


@pytest.mark.django_db
def test_a_letter_by_post_greets_once_and_an_operator_signs_on_behalf_of_the_supplier(world) -> None:
    w = world.a
    w.tenant.operator = OperatorCompany.objects.create(name="Ügyfélszolgálati Kft.")
    w.tenant.save()
    _c, answer = _answered(w, "post", "Tisztelt Kovács Éva!\n\nA számlát helyesbítettük.")
    with tenancy.tenant_scope(w.tenant):
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter_pdf(answer))).pages)
    assert "Tisztelt Kovács Éva!" in text and "Dear Customer" not in text
    assert "Ügyfélszolgálati Kft., acting on behalf of Supplier AAA" in " ".join(text.split())
