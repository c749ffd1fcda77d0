"""An answer's decision, and the remedies a partly upheld or rejected answer names (seeds 000, 004)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from querela.complaints.models import EntryType
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.customers.models import ConsumptionPlace
from querela.intake.models import OutboundEmail
from querela.remedies.models import RemedyBody
from querela.remedies.selectors import complaint_county, remedies_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BARANYA = "Baranya Megyei Békéltető Testület"
BARANYA_ADDRESS = "7625 Pécs, Majorossy Imre u. 36."


def _investigating(w, *, channel="email", place=None, **kw):
    c = complaint_register(
        actor=w.actor("agent"),
        channel=channel,
        subject="Számla",
        description="Hibás számla.",
        customer=kw.pop("customer", w.customer),
        place=place,
        **kw,
    )
    h = w.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="assign")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    return c


def _answer(w, c, decision, text="A vizsgálat lezárult."):
    complaint_transition(actor=w.actor("handler"), complaint_id=c.pk, action="answer", text=text, decision=decision)
    c.refresh_from_db()
    return c.timeline.get(entry_type=EntryType.OUTBOUND, data__purpose="answer")


def _baranya_place(w, **kw):
    values = {"address": "Király utca 3.", "postal_code": "7621", "city": "Pécs", "region": "Baranya"}
    values.update(kw)
    return ConsumptionPlace.objects.create(customer=w.customer, service_type="electricity", **values)


def test_a_new_supplier_starts_with_its_countrys_bodies(world):
    with tenancy.tenant_scope(world.a.tenant):  # HU, electricity
        hu = list(RemedyBody.objects.all())
    assert len([b for b in hu if b.kind == "conciliation_body"]) == 20
    assert {b.kind for b in hu if b.is_active} == {"consumer_protection", "conciliation_body", "regulator"}
    assert not any(b.kind == "municipality" for b in hu)  # the business-rules forum is for district heating
    with tenancy.tenant_scope(world.b.tenant):  # RO: ANPC, its county offices, ANRE
        ro = list(RemedyBody.objects.all())
    assert {b.region for b in ro if b.region} >= {"Cluj", "Brașov", "București"} and len(ro) == 44
    assert all(b.tenant_id == world.b.tenant.pk for b in ro)


def test_a_rejected_answer_by_post_names_the_bodies_of_the_customers_county(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.preferred_channel = "post"
        w.customer.mailing_address = "7621 Pécs, Király utca 3."
        w.customer.save()
        place = _baranya_place(w)
        c = _investigating(w, channel="post", place=place)
        answer = _answer(w, c, "rejected", text="A számla helyes, a panaszt elutasítjuk.")
        assert c.decision == "rejected" and answer.channel == "post"
        baranya = RemedyBody.objects.get(name=BARANYA)
        assert baranya.pk in answer.data["remedies"] and answer.data["decision"] == "rejected"
    body = answer.body
    assert body.startswith("A számla helyes, a panaszt elutasítjuk.")
    assert "Our decision: your complaint is rejected." in body
    for expected in (BARANYA, f"Address: {BARANYA_ADDRESS}", "(72) 507-154", "info@baranyabekeltetes.hu"):
        assert expected in body, expected
    assert "Magyar Energetikai és Közmű-szabályozási Hivatal" in body  # the regulator, for licence breaches
    assert "Hajdú-Bihar Megyei" not in body and "Pest Megyei Kormányhivatal" not in body  # not this county's
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    pdf = client.get(f"/t/AAA/complaints/{c.reference}/letters/{answer.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (BARANYA, BARANYA_ADDRESS, "www.baranyabekeltetes.hu", "Magyar Energetikai"):
        assert expected in text, expected
    page = client.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "Rejected" in page


def test_a_partly_upheld_answer_by_email_carries_them_in_the_mail(in_a):
    c = _investigating(in_a, place=_baranya_place(in_a, region=""))  # no region: the postal code tells
    answer = _answer(in_a, c, "partly_upheld")
    assert answer.channel == "email"
    mail = OutboundEmail.objects.get(entry=answer)
    assert BARANYA in mail.body and BARANYA_ADDRESS in mail.body
    assert "Our decision: your complaint is partly upheld." in mail.body


def test_an_upheld_answer_names_no_remedies(in_a):
    c = _investigating(in_a, place=_baranya_place(in_a))
    answer = _answer(in_a, c, "upheld", text="Igaza van, a számlát javítjuk.")
    assert c.decision == "upheld"
    assert "Our decision: your complaint is upheld." in answer.body
    assert "Békéltető" not in answer.body and "If you do not agree" not in answer.body
    assert answer.data["remedies"] == []


def test_without_remedy_data_the_suppliers_footer_stands_in(in_a):
    in_a.tenant.answer_footer = "Forduljon a területileg illetékes békéltető testülethez."
    in_a.tenant.save()
    RemedyBody.objects.all().delete()
    for decision in ("upheld", "rejected"):
        c = _investigating(in_a, place=_baranya_place(in_a))
        answer = _answer(in_a, c, decision)
        assert answer.body.endswith("Forduljon a területileg illetékes békéltető testülethez.")


@pytest.mark.parametrize(
    ("place", "mailing", "given", "county"),
    [
        ({"region": "Baranya", "postal_code": "4024", "city": "Debrecen"}, "", "", "Baranya"),  # region wins
        ({"region": "", "postal_code": "7400", "city": "Kaposvár"}, "", "", "Somogy"),  # postal code
        (None, "8900 Zalaegerszeg, Petőfi utca 24.", "", "Zala"),  # the mailing address on file
        (None, "", "Kisfalu, Tolna megye", "Tolna"),  # the place address given on the form
        (None, "", "", None),
    ],
)
def test_the_county_comes_from_the_place_or_the_addresses(in_a, place, mailing, given, county):
    in_a.customer.mailing_address = mailing
    in_a.customer.save()
    p = _baranya_place(in_a, address="Fő utca 1.", **place) if place else None
    c = complaint_register(
        actor=in_a.actor("agent"),
        channel="email",
        subject="s",
        description="d",
        customer=in_a.customer,
        place=p,
        given={"place_address": given} if given else None,
    )
    assert complaint_county(c) == county


def test_an_unknown_county_names_the_seats_body_and_says_the_customers_own_may_be_chosen(in_a):
    in_a.customer.mailing_address = ""
    in_a.customer.save()
    c = _investigating(in_a)  # no place, no address: the county can't be told
    remedies = remedies_for(c)
    assert remedies.county is None
    conciliation = [n for n in remedies.named if n.kind == "conciliation_body"]
    assert len(conciliation) == 1 and conciliation[0].body is None  # no seat marked: only the sentence
    RemedyBody.objects.filter(region="Hajdú-Bihar", kind="conciliation_body").update(is_seat=True)
    answer = _answer(in_a, c, "rejected")
    assert "Hajdú-Bihar Megyei Békéltető Testület" in answer.body
    assert "you may also turn to the one of the county where you live" in answer.body
    assert BARANYA not in answer.body


def test_no_seat_marked_tells_the_customer_to_turn_to_their_countys_body(in_a):
    in_a.customer.mailing_address = ""
    in_a.customer.save()
    answer = _answer(in_a, _investigating(in_a), "rejected")
    assert "The conciliation body of the county where you live." in answer.body
    assert "Megyei Békéltető Testület" not in answer.body


def test_an_answer_without_a_decision_still_names_the_remedies(in_a):
    """Older callers (and scripts) that state no decision: the customer is still told where to turn."""
    c = _investigating(in_a, place=_baranya_place(in_a))
    answer = _answer(in_a, c, "")
    assert c.decision == "" and BARANYA in answer.body and "Our decision" not in answer.body


def test_a_decision_goes_only_with_an_answer_and_only_one_of_three(in_a):
    c = _investigating(in_a)
    with pytest.raises(ValidationFailed) as err:
        complaint_transition(
            actor=in_a.actor("handler"), complaint_id=c.pk, action="answer", text="x", decision="maybe"
        )
    assert err.value.code == "decision"
    with pytest.raises(ValidationFailed):
        complaint_transition(
            actor=in_a.actor("handler"), complaint_id=c.pk, action="escalate", text="x", decision="rejected"
        )
    c.refresh_from_db()
    assert c.status == "investigating" and c.decision == ""


def test_the_answer_form_asks_for_the_decision(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = _investigating(w, place=_baranya_place(w))
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    page = client.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert BARANYA in page  # the case file says what a rejection would name
    url = f"/t/AAA/complaints/{c.reference}/answer/"
    assert 'name="decision"' in client.get(url).content.decode()
    assert "Choose the decision" in client.post(url, {"step": "preview", "text": "Elutasítjuk."}).content.decode()
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == "investigating"  # refused: no decision
    preview = client.post(url, {"step": "preview", "text": "Elutasítjuk.", "decision": "rejected"}).content.decode()
    assert BARANYA in preview  # the preview shows what the letter names
    digest = re.search(r'name="previewed" value="([0-9a-f]+)"', preview).group(1)
    client.post(url, {"step": "send", "text": "Elutasítjuk.", "decision": "rejected", "previewed": digest})
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == "answered" and c.decision == "rejected"
        assert BARANYA in c.timeline.get(data__purpose="answer").body


def test_the_api_answer_states_the_decision(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = _investigating(w, place=_baranya_place(w))
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    url = f"/api/v1/t/AAA/complaints/{c.reference}/transitions/"
    refused = client.post(url, {"action": "answer", "text": "Rendben."}, content_type="application/json")
    assert refused.status_code == 400 and "decision" in refused.json()
    done = client.post(
        url, {"action": "answer", "text": "Rendben.", "decision": "upheld"}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["decision"] == "upheld" and done.json()["status"] == "answered"


def test_a_romanian_answer_names_anpc_and_the_county_commissariat_under_one_heading(world):
    w = world.b
    with tenancy.tenant_scope(w.tenant):
        place = ConsumptionPlace.objects.create(
            customer=w.customer,
            address="Strada Lungă 5",
            postal_code="300001",
            city="Timișoara",
            region="Timiș",
            service_type="electricity",
        )
        answer = _answer(w, _investigating(w, place=place), "partly_upheld")
    body = answer.body
    assert "Autoritatea Națională pentru Protecția Consumatorilor (ANPC)" in body
    assert "Comisariatul Județean pentru Protecția Consumatorilor Timiș" in body
    assert "Comisariatul Județean pentru Protecția Consumatorilor Cluj" not in body
    assert "Autoritatea Națională de Reglementare în Domeniul Energiei (ANRE)" in body
    assert body.count("Consumer-protection authority:") == 1
