"""Minutes of an oral complaint (seed 004): drawn up, signed by both, kept as a PDF, never changed after."""

from __future__ import annotations

import pytest
from django.core import mail

from querela.audit.models import AuditEvent
from querela.complaints.models import Attachment, Complaint
from querela.complaints.services import complaint_register
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.customers.models import Customer
from querela.minutes.models import Minutes, MinutesSigned
from querela.minutes.services import Signature, minutes_correct, minutes_edit, minutes_sign, minutes_take

from .helpers import ACCENTED, NOW, drawn_signature, facts, pdf_images, pdf_text

pytestmark = pytest.mark.django_db

TYPED = Signature(typed_name="Őrsi Ődön", confirmed=True)


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _signed(w, **overrides) -> Minutes:
    m = minutes_take(actor=w.actor("clerk"), facts=facts(**overrides))
    return minutes_sign(
        actor=w.actor("clerk"), minutes_id=m.pk, recorder=Signature(drawn=drawn_signature()), customer=TYPED
    )


def test_minutes_register_the_in_person_complaint_through_the_one_registration_service(in_a):
    w = in_a
    Customer.objects.create(customer_number="HU-77001", name="Őrsi Ődön", mailing_address="")
    m = minutes_take(actor=w.actor("clerk"), facts=facts())
    c = Complaint.objects.get(pk=m.complaint_id)
    assert c.channel == "in_person" and c.reply_channel == "post"
    assert c.received_at == facts().filed_at  # the time of filing is the registration time
    assert c.customer.customer_number == "HU-77001" and c.contact_email == "odon@example.hu"
    assert c.status == "registered" and c.subject == facts().subject
    assert m.version == 1 and m.signed_at is None and m.supersedes is None
    assert m.present == [
        {"name": "Őrsi Ődön", "capacity": "owner"},
        {"name": "Łucja Wąsowska", "capacity": "proxy"},
        {"name": "Ștefan Țurcanu", "capacity": "staff"},
    ]
    assert AuditEvent.objects.filter(action="minutes.create", object_id=str(m.pk)).exists()
    assert AuditEvent.objects.filter(action="complaint.register", object_id=c.reference).exists()


def test_an_unknown_customer_id_is_kept_as_given(in_a):
    m = minutes_take(actor=in_a.actor("clerk"), facts=facts(customer_number="NOPE-1"))
    c = m.complaint
    assert c.customer is None and c.given_customer_number == "NOPE-1"
    assert c.mailing_address == "4024 Debrecen, Kossuth utca 12."


def test_signing_makes_a_pdf_with_every_element_and_both_signatures_attached_to_the_complaint(in_a):
    w = in_a
    m = _signed(w)
    assert m.signed_at == NOW and m.recorder_id == w.users["clerk"].pk
    attachment = Attachment.objects.get(pk=m.pdf_id)
    assert attachment.complaint_id == m.complaint_id and attachment.content_type == "application/pdf"
    assert attachment.filename == f"minutes-{m.complaint.reference}-v1.pdf" and attachment.sha256 == m.pdf_sha256
    with attachment.file.open("rb") as f:
        content = f.read()
    text = pdf_text(content)
    f_ = facts()
    for element in [
        "Minutes of a complaint",
        m.complaint.reference,
        f_.customer_name,
        f_.customer_address,
        f_.customer_number,
        "2026-12-03 10:15",  # time of filing, in Budapest
        f_.filed_place,
        "In person at the customer office",
        "Customer (owner or user)",
        "Proxy (authorised representative)",
        "Staff of the supplier",
        f_.subject,
        "412 m³",
        *f_.evidence,
        "15 napon belül",
        f_.drawn_up_place,
        "2026-12-03 10:40",  # time of the minutes
        "Recorder",
        "typed name, confirmed by",
        "Signed on 2026-12-03 11:00",
        *ACCENTED[:1],
        "Łucja Wąsowska",
        "Ștefan Țurcanu",
    ]:
        assert element in text, element
    assert pdf_images(content) == 1  # the recorder's drawn signature; the customer's is typed
    event = AuditEvent.objects.get(action="minutes.sign", object_id=str(m.pk))
    assert event.changes["recorder"] == "drawn" and event.changes["customer"] == "typed"


def test_typed_names_with_every_accent_print_as_typed(in_a):
    w = in_a
    m = minutes_take(actor=w.actor("clerk"), facts=facts(customer_name="Űrhajós Ügyfél"))
    m = minutes_sign(
        actor=w.actor("clerk"),
        minutes_id=m.pk,
        recorder=Signature(typed_name="Ștefan Țurcanu", confirmed=True),
        customer=Signature(typed_name="Űrhajós Ügyfél", confirmed=True),
    )
    with m.pdf.file.open("rb") as f:
        content = f.read()
    text = pdf_text(content)
    for name in ACCENTED:
        assert name in text, name
    assert pdf_images(content) == 0 and text.count("typed name, confirmed by") == 2


def test_signed_minutes_cannot_change(in_a):
    w = in_a
    m = _signed(w)
    m.subject = "Something else"
    with pytest.raises(MinutesSigned):
        m.save()
    with pytest.raises(MinutesSigned):
        Minutes.objects.filter(pk=m.pk).update(subject="x")
    with pytest.raises(MinutesSigned):
        Minutes.objects.filter(pk=m.pk).delete()
    with pytest.raises(MinutesSigned):
        m.delete()
    with pytest.raises(MinutesSigned):
        minutes_edit(actor=w.actor("clerk"), minutes_id=m.pk, facts=facts(subject="x"))
    with pytest.raises(MinutesSigned):
        minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=TYPED, customer=TYPED)
    m.refresh_from_db()
    assert m.subject == facts().subject


def test_a_draft_can_be_changed_before_it_is_signed(in_a):
    w = in_a
    m = minutes_take(actor=w.actor("clerk"), facts=facts())
    minutes_edit(actor=w.actor("clerk"), minutes_id=m.pk, facts=facts(statement="Új nyilatkozat."))
    m.refresh_from_db()
    assert m.statement == "Új nyilatkozat."
    assert AuditEvent.objects.get(action="minutes.update").changes == {"fields": ["statement"]}


def test_a_correction_is_a_new_version_and_both_pdfs_stay(in_a):
    w = in_a
    v1 = _signed(w)
    with pytest.raises(ValidationFailed):  # a draft is changed, not corrected
        minutes_correct(
            actor=w.actor("clerk"),
            minutes_id=minutes_take(actor=w.actor("clerk"), facts=facts(), complaint_id=v1.complaint_id).pk,
            facts=facts(),
        )
    v2 = minutes_correct(actor=w.actor("clerk"), minutes_id=v1.pk, facts=facts(subject="Javított tárgy"))
    assert (v2.version, v2.supersedes_id, v2.complaint_id, v2.signed_at) == (2, v1.pk, v1.complaint_id, None)
    with pytest.raises(ValidationFailed) as again:
        minutes_correct(actor=w.actor("clerk"), minutes_id=v1.pk, facts=facts())
    assert again.value.code == "already_corrected"
    v2 = minutes_sign(actor=w.actor("clerk"), minutes_id=v2.pk, recorder=TYPED, customer=TYPED)
    v1.refresh_from_db()
    assert v1.subject == facts().subject and v1.pdf_id != v2.pdf_id
    names = set(Attachment.objects.filter(complaint_id=v1.complaint_id).values_list("filename", flat=True))
    ref = v1.complaint.reference
    assert {f"minutes-{ref}-v1.pdf", f"minutes-{ref}-v2.pdf"} <= names
    with v2.pdf.file.open("rb") as f:
        text = pdf_text(f.read())
    assert "Version 2" in text and "corrects version 1" in text and "Javított tárgy" in text


def test_minutes_of_a_registered_phone_complaint_turn_its_answer_to_the_written_channel_chosen(in_a):
    w = in_a
    c = complaint_register(
        actor=w.actor("clerk"),
        channel="phone",
        subject="Áramszünet",
        description="Nem értek egyet.",
        customer=w.customer,
        place=w.place,
        reply_channel="post",
    )
    m = minutes_take(actor=w.actor("clerk"), facts=facts(filing_way="phone", reply_channel="email"), complaint_id=c.pk)
    assert Complaint.objects.count() == 1
    c.refresh_from_db()
    assert c.reply_channel == "post"  # a draft changes nothing yet
    minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=TYPED, customer=TYPED)
    c.refresh_from_db()
    assert c.reply_channel == "email"
    assert AuditEvent.objects.filter(action="complaint.update", object_id=c.reference).exists()


def test_minutes_are_taken_only_of_oral_complaints(in_a):
    w = in_a
    c = complaint_register(
        actor=w.actor("clerk"), channel="email", subject="Levél", description="x", customer=w.customer
    )
    with pytest.raises(ValidationFailed) as refused:
        minutes_take(actor=w.actor("clerk"), facts=facts(), complaint_id=c.pk)
    assert refused.value.code == "not_oral"


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"customer_name": " "}, "customer_name_required"),
        ({"customer_address": ""}, "customer_address_required"),
        ({"filed_place": ""}, "filed_place_required"),
        ({"subject": ""}, "subject_required"),
        ({"description": ""}, "description_required"),
        ({"statement": ""}, "statement_required"),
        ({"drawn_up_place": ""}, "drawn_up_place_required"),
        ({"present": [("", "owner")]}, "present_required"),
        ({"present": [("X", "king")]}, "capacity"),
        ({"filing_way": "fax"}, "filing_way"),
        ({"reply_channel": "web"}, "reply_channel"),
        ({"copy_by": "email", "customer_email": ""}, "email_required"),
        ({"customer_email": "not-an-address"}, "email_invalid"),
        ({"filed_at": NOW.replace(day=9)}, "future"),
    ],
)
def test_every_element_is_required_and_checked(in_a, override, code):
    with pytest.raises(ValidationFailed) as refused:
        minutes_take(actor=in_a.actor("clerk"), facts=facts(**override))
    assert refused.value.code == code
    assert not Minutes.objects.exists() and not Complaint.objects.exists()


def test_both_must_sign(in_a):
    w = in_a
    m = minutes_take(actor=w.actor("clerk"), facts=facts())
    for recorder, customer, code in [
        (Signature(), TYPED, "recorder_signature_required"),
        (TYPED, Signature(typed_name="Őrsi Ődön"), "customer_signature_required"),  # the clerk did not confirm
        (TYPED, Signature(confirmed=True), "customer_signature_required"),
        (TYPED, Signature(drawn="data:image/png;base64,AAAA"), "signature_invalid"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=recorder, customer=customer)
        assert refused.value.code == code
    m.refresh_from_db()
    assert m.signed_at is None and not Attachment.objects.exists()


@pytest.mark.parametrize("role", ["consumer", "tenant_admin"])
def test_only_staff_take_minutes(in_a, role):
    with pytest.raises(PermissionDenied):
        minutes_take(actor=in_a.actor(role), facts=facts())


def test_a_copy_sent_by_e_mail_must_be_confirmed_after_the_preview(in_a):
    w = in_a
    m = minutes_take(actor=w.actor("clerk"), facts=facts(copy_by="email"))
    with pytest.raises(ValidationFailed) as refused:
        minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=TYPED, customer=TYPED, send_copy=False)
    assert refused.value.code == "confirm_send"


@pytest.mark.django_db(transaction=True)
def test_the_customers_copy_is_e_mailed_with_the_pdf_after_commit(world, monkeypatch):
    w = world.a
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with tenancy.tenant_scope(w.tenant):
        m = minutes_take(actor=w.actor("clerk"), facts=facts(copy_by="email", reply_channel="email"))
        mail.outbox.clear()  # the registration's acknowledgement
        m = minutes_sign(
            actor=w.actor("clerk"),
            minutes_id=m.pk,
            recorder=Signature(drawn=drawn_signature()),
            customer=TYPED,
            send_copy=True,
        )
        copies = [x for x in mail.outbox if "Minutes of your complaint" in x.subject]
        assert len(copies) == 1
        [copy] = copies
        assert copy.to == ["odon@example.hu"] and m.complaint.reference in copy.subject
        [(filename, content, content_type)] = copy.attachments
        assert filename == f"minutes-{m.complaint.reference}-v1.pdf" and content_type == "application/pdf"
        assert "Őrsi Ődön" in pdf_text(content)
        assert m.complaint.timeline.filter(data__minutes=m.pk, body__contains="odon@example.hu").exists()
        assert AuditEvent.objects.filter(action="minutes.copy_sent", object_id=str(m.pk)).exists()


def test_a_typed_customer_signature_must_name_the_customer_or_someone_present(in_a):
    w = in_a
    m = minutes_take(actor=w.actor("clerk"), facts=facts())
    stranger = Signature(typed_name="Horváth Péter", confirmed=True)
    with pytest.raises(ValidationFailed) as refused:
        minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=TYPED, customer=stranger)
    assert refused.value.code == "customer_signature_name" and "Horváth Péter" in refused.value.message
    signed = minutes_sign(
        actor=w.actor("clerk"),
        minutes_id=m.pk,
        recorder=TYPED,
        customer=Signature(typed_name="orsi odon", confirmed=True),
    )
    assert signed.customer_typed_name == "orsi odon"
