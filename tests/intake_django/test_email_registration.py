"""Mail becomes complaints: matching, threading, duplicates, auto-replies, malformed mail, crashes."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail as django_mail
from django.db import transaction

from querela.complaints.models import Complaint
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import Status
from querela.core import tenancy
from querela.intake.email.smtp_server import build_controller
from querela.intake.inbound import accepts_recipient, inbound_store, smtp_store
from querela.intake.models import InboundMessage, InboundStatus, OutboundEmail
from querela.intake.tasks import intake_sweep
from tests.instructions.helpers import checklist_waived

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _mail(
    w,
    *,
    sender: str,
    subject: str = "Panasz a számla miatt",
    body: str = "Kétszer számláztak.",
    to: str | None = None,
    headers: dict[str, str] | None = None,
    attach: bool = False,
) -> bytes:
    m = EmailMessage()
    m["From"] = f"Kovács Anna <{sender}>"
    m["To"] = to or w.tenant.mailbox
    m["Subject"] = subject
    m["Message-ID"] = make_msgid(domain="example.hu")
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    if attach:
        m.add_attachment(PDF, maintype="application", subtype="pdf", filename="számla március.pdf")
    return m.as_bytes()


def _deliver(w, raw: bytes) -> Complaint | None:
    msg = inbound_store(raw=raw, tenant=w.tenant, source="smtp")
    with tenancy.tenant_scope(w.tenant):
        msg.refresh_from_db()
        return msg.complaint


def test_known_sender_is_registered_identified_with_attachment_and_acknowledged(world):
    w = world.a
    c = _deliver(w, _mail(w, sender=w.customer.email, attach=True))
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.channel == "email" and c.customer == w.customer and c.status == Status.REGISTERED
        assert not c.kind_confirmed  # a handler confirms the kind
        assert c.attachments.get().filename == "számla március.pdf"
        ack = OutboundEmail.objects.get(complaint=c)
        assert ack.automatic and ack.to == w.customer.email
    sent = [m for m in django_mail.outbox if m.to == [w.customer.email]]
    assert len(sent) == 1 and c.reference in sent[0].subject
    assert sent[0].extra_headers["Auto-Submitted"] == "auto-replied"


def test_identifier_in_the_body_identifies_a_stranger_address(world):
    w = world.a
    body = f"Felhasználó azonosító: {w.customer.customer_number}\nMérő gyári száma: AAA-METER-1\nRossz a mérő."
    c = _deliver(w, _mail(w, sender="someone.else@example.net", body=body))
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.customer == w.customer and c.place == w.place


def test_unknown_sender_is_asked_for_data_then_completed_by_the_reply(world):
    w = world.a
    first = _mail(w, sender="stranger@example.net", body="A számlám rossz.")
    c = _deliver(w, first)
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == Status.AWAITING_INFO and c.customer is None
        ask = OutboundEmail.objects.get(complaint=c)
        assert ask.automatic and "customer id" in ask.body
    reply = _mail(
        w,
        sender="stranger@example.net",
        subject=f"Re: [{c.reference}] We need more information",
        body=f"Customer ID: {w.customer.customer_number}",
        headers={"In-Reply-To": f"<{ask.message_id}>", "References": f"<{ask.message_id}>"},
    )
    assert _deliver(w, reply) == c
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == Status.REGISTERED and c.customer == w.customer
        assert c.timeline.filter(entry_type="inbound").count() == 2


def _answered(w) -> Complaint:
    c = _deliver(w, _mail(w, sender=w.customer.email))
    assert c is not None
    with tenancy.tenant_scope(w.tenant):
        h = w.actor("handler")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign")
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
        checklist_waived(w, c.pk)
        complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Rendben van.")
    return c


def test_a_forged_from_can_post_but_not_reopen_an_answered_complaint(world):
    """Anyone can write the customer's address in From: the text is kept and shown, nothing changes."""
    w = world.a
    c = _answered(w)
    again = _deliver(
        w, _mail(w, sender=w.customer.email.upper(), subject=f"VS: Válasz: {c.reference}", body="Nem értek egyet.")
    )
    assert again == c
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == Status.ANSWERED
        assert "Sender not verified" in c.needs_attention
        assert c.timeline.filter(entry_type="inbound", body__contains="Nem értek egyet.").exists()
        assert InboundMessage.objects.filter(complaint=c, sender_verified=False).count() == 2


def test_a_reply_quoting_our_message_id_reopens_an_answered_complaint(world):
    w = world.a
    c = _answered(w)
    with tenancy.tenant_scope(w.tenant):
        answer = OutboundEmail.objects.filter(complaint=c).order_by("-created_at").first()
    assert answer is not None
    reply = _mail(
        w,
        sender=w.customer.email,
        subject=f"Re: {answer.subject}",
        body="Nem értek egyet.",
        headers={"In-Reply-To": f"<{answer.message_id}>"},
    )
    assert _deliver(w, reply) == c
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == Status.REOPENED


def test_our_mtas_dmarc_pass_verifies_the_sender_and_a_forged_result_does_not(world, settings):
    settings.QUERELA = {**settings.QUERELA, "TRUSTED_AUTHSERV_IDS": ["mx.querela.test"]}
    w = world.a
    domain = w.customer.email.split("@")[1]
    c = _answered(w)
    forged = _mail(
        w,
        sender=w.customer.email,
        subject=f"Re: {c.reference}",
        body="Hamis.",
        headers={"Authentication-Results": f"mx.attacker.example; dmarc=pass header.from={domain}"},
    )
    _deliver(w, forged)
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == Status.ANSWERED
    genuine = _mail(
        w,
        sender=w.customer.email,
        subject=f"Re: {c.reference}",
        body="Nem értek egyet.",
        headers={
            "Authentication-Results": (
                f"mx.querela.test; spf=pass smtp.mailfrom={domain}; dmarc=pass (p=none) header.from={domain}"
            )
        },
    )
    _deliver(w, genuine)
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == Status.REOPENED


def test_a_reference_quoted_by_a_stranger_never_joins_the_case(world):
    w = world.a
    c = _deliver(w, _mail(w, sender=w.customer.email))
    other = _deliver(w, _mail(w, sender="nosy@example.net", subject=f"Re: {c.reference}", body="Mi a helyzet?"))
    assert other is not None and other != c
    with tenancy.tenant_scope(w.tenant):
        other.refresh_from_db()
        assert c.reference in other.needs_attention
        assert c.timeline.filter(entry_type="inbound").count() == 1


def test_same_message_id_registers_once_per_tenant(world):
    a, b = world.a, world.b
    raw = _mail(a, sender=a.customer.email, to=f"{a.tenant.mailbox}, {b.tenant.mailbox}")
    smtp_store(raw, [a.tenant.mailbox, b.tenant.mailbox], "x@example.net")
    smtp_store(raw, [a.tenant.mailbox], "x@example.net")  # reply-all: delivered again
    for w in (a, b):
        with tenancy.tenant_scope(w.tenant):
            assert InboundMessage.objects.count() == 1
            assert Complaint.objects.count() == 1


def test_out_of_office_is_kept_but_never_answered(world):
    w = world.a
    c = _deliver(w, _mail(w, sender=w.customer.email))
    with tenancy.tenant_scope(w.tenant):
        before = OutboundEmail.objects.count()
    auto = _mail(
        w,
        sender=w.customer.email,
        subject=f"Automatikus válasz: {c.reference}",
        body="Szabadságon vagyok.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert _deliver(w, auto) == c
    with tenancy.tenant_scope(w.tenant):
        assert OutboundEmail.objects.count() == before
        assert InboundMessage.objects.filter(status=InboundStatus.AUTO).count() == 1
        c.refresh_from_db()
        assert c.status == Status.REGISTERED


def test_malformed_mail_is_registered_flagged_and_kept_raw(world):
    w = world.a
    raw = (
        f"From: {w.customer.email}\r\nTo: {w.tenant.mailbox}\r\nSubject: broken\r\n"
        "Message-ID: <broken-1@example.net>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        "--XYZ\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\nA m\xe9r\xf5 rossz.\r\n"
        "--XYZ\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "JVBERi0xLjQK!!!not base64###\r\n"
    ).encode("latin-1")
    c = _deliver(w, raw)
    with tenancy.tenant_scope(w.tenant):
        msg = InboundMessage.objects.get(message_id="broken-1@example.net")
        assert c is not None and c.needs_attention.startswith("Malformed")
        assert msg.raw.read() == raw


def test_real_smtp_conversation_registers_the_mail(world):
    w = world.a
    controller = build_controller(
        "127.0.0.1", 0, accepts_recipient=accepts_recipient, store_raw=smtp_store, max_size=10 * 1024 * 1024
    )
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("a@example.net", ["nobody@complaints.querela.test"], b"Subject: x\r\n\r\nx")
            client.sendmail(w.customer.email, [w.tenant.mailbox], _mail(w, sender=w.customer.email, attach=True))
    finally:
        controller.stop()
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        assert c.customer == w.customer and c.attachments.count() == 1


def test_a_crash_after_storing_loses_nothing(world):
    """The worker died between 250 and processing: the sweep finishes the job, once."""
    w = world.a
    raw = _mail(w, sender=w.customer.email)
    with transaction.atomic():
        msg = inbound_store(raw=raw, tenant=w.tenant, source="smtp")
        transaction.get_connection().run_on_commit = []  # the process died before its job ran
    with tenancy.tenant_scope(w.tenant):
        assert InboundMessage.objects.get(pk=msg.pk).status == InboundStatus.PENDING
        InboundMessage.objects.filter(pk=msg.pk).update(received_at=msg.received_at.replace(year=2025))
    intake_sweep.call_local()
    intake_sweep.call_local()
    with tenancy.tenant_scope(w.tenant):
        assert InboundMessage.objects.get(pk=msg.pk).status == InboundStatus.REGISTERED
        assert Complaint.objects.count() == 1


def test_a_plain_bounce_from_the_null_sender_is_kept_but_never_answered(world):
    w = world.a
    raw = _mail(w, sender="mailer-daemon@relay.example.net", subject="Undeliverable", body="User unknown.")
    msg = inbound_store(raw=raw, tenant=w.tenant, source="smtp", mail_from="<>")
    with tenancy.tenant_scope(w.tenant):
        msg.refresh_from_db()
        assert msg.status == InboundStatus.AUTO
        assert not OutboundEmail.objects.exists()  # no acknowledgement to a robot: no mail loop


def test_a_stranger_replying_by_in_reply_to_gets_a_new_flagged_item(world):
    w = world.a
    c = _deliver(w, _mail(w, sender=w.customer.email))
    with tenancy.tenant_scope(w.tenant):
        ack = OutboundEmail.objects.filter(complaint=c).first()
        assert ack is not None
    other = _deliver(
        w, _mail(w, sender="nosy@example.net", subject="Re: valami", headers={"In-Reply-To": f"<{ack.message_id}>"})
    )
    assert other is not None and other != c
    with tenancy.tenant_scope(w.tenant):
        other.refresh_from_db()
        assert c.reference in other.needs_attention and "not a party" in other.needs_attention


def test_a_mail_quoting_a_strangers_number_and_its_own_joins_its_own(world):
    w = world.a
    mine = _deliver(w, _mail(w, sender=w.customer.email))
    with tenancy.tenant_scope(w.tenant):
        theirs = Complaint.objects.create(
            reference=f"{w.tenant.code}-2026-999999",
            channel="post",
            received_at=mine.received_at,
            subject="x",
            reply_channel="post",
            contact_email="someone@else.example",
        )
    body = f"Like {theirs.reference}, my own {mine.reference} is still open."
    assert _deliver(w, _mail(w, sender=w.customer.email, subject="Again", body=body)) == mine


def test_a_pasted_scan_without_a_file_name_is_kept_as_an_attachment(world):
    w = world.a
    m = EmailMessage()
    m["From"] = w.customer.email
    m["To"] = w.tenant.mailbox
    m["Subject"] = "Leolvasás"
    m["Message-ID"] = make_msgid(domain="example.hu")
    m.set_content("A mérőóra fotója lent.")
    m.add_related(b"\xff\xd8\xff\xe0" + b"\x00" * 200, maintype="image", subtype="jpeg", cid="<meter-photo@example.hu>")
    c = _deliver(w, m.as_bytes())
    with tenancy.tenant_scope(w.tenant):
        names = list(c.attachments.values_list("filename", flat=True))
    assert names == ["meter-photo.jpg"]


def test_copies_without_a_message_id_by_two_routes_register_once(world):
    w = world.a
    body = (
        f"From: {w.customer.email}\r\nTo: {w.tenant.mailbox}\r\nSubject: No id\r\n"
        "Date: Mon, 02 Mar 2026 09:00:00 +0100\r\n\r\nHello\r\n"
    )
    inbound_store(raw=("Received: from a.example\r\n" + body).encode(), tenant=w.tenant, source="smtp")
    inbound_store(raw=("Received: from b.example\r\n" + body).encode(), tenant=w.tenant, source="imap")
    with tenancy.tenant_scope(w.tenant):
        assert InboundMessage.objects.count() == 1


def test_an_executable_in_a_mail_is_not_stored_but_the_complaint_is_and_says_why(world):
    w = world.a
    m = EmailMessage()
    m["From"] = w.customer.email
    m["To"] = w.tenant.mailbox
    m["Subject"] = "Számla"
    m["Message-ID"] = make_msgid(domain="example.hu")
    m.set_content("Csatolom.")
    m.add_attachment(PDF, maintype="application", subtype="pdf", filename="szamla.pdf")
    m.add_attachment(
        b"MZ\x90\x00" + b"\x00" * 300, maintype="application", subtype="octet-stream", filename="virus.exe"
    )
    c = _deliver(w, m.as_bytes())
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert list(c.attachments.values_list("filename", flat=True)) == ["szamla.pdf"]
        assert "virus.exe" in c.needs_attention
        assert InboundMessage.objects.get(complaint=c).raw.size > 300  # the original, with the file, is kept


def test_a_customer_id_quoted_from_another_address_is_linked_but_flagged(world):
    w = world.a
    body = f"Felhasználó azonosító: {w.customer.customer_number}"
    c = _deliver(w, _mail(w, sender="someone.else@example.net", body=body))
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.customer == w.customer
        assert "someone.else@example.net" in c.needs_attention and "check the identity" in c.needs_attention
        assert c.contact_email == "someone.else@example.net"  # answers go to who wrote, not to the file
    own = _deliver(w, _mail(w, sender=w.customer.email, body=body))
    with tenancy.tenant_scope(w.tenant):
        own.refresh_from_db()
        assert own.needs_attention == ""


def test_the_acknowledgement_replies_to_the_customers_mail(world):
    """Mail clients thread by In-Reply-To: the automatic answer hangs under the mail it answers."""
    w = world.a
    raw = _mail(w, sender=w.customer.email)
    c = _deliver(w, raw)
    sent_id = email_message_id(raw)
    with tenancy.tenant_scope(w.tenant):
        ack = OutboundEmail.objects.get(complaint=c)
        assert ack.in_reply_to == sent_id and sent_id in ack.references.split()
    reply = _mail(w, sender=w.customer.email, body="Még egy dolog.", headers={"In-Reply-To": f"<{ack.message_id}>"})
    _deliver(w, reply)
    with tenancy.tenant_scope(w.tenant):
        h = w.actor("handler")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign")
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
        checklist_waived(w, c.pk)
        complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Rendben.")
        answer = OutboundEmail.objects.filter(complaint=c).order_by("-created_at").first()
        assert answer.in_reply_to == email_message_id(reply)  # the customer's latest mail


def email_message_id(raw: bytes) -> str:
    from querela.intake.email.parse import parse_message

    found = parse_message(raw).message_id
    assert found
    return found
