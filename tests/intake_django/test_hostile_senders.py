"""Mail as an attacker (or a broken robot) sends it: floods are held, not billed or answered; automatic
replies follow RFC 3834; unclear senders get nothing automatic; NULs, over-long headers and reused
Message-IDs give the same result on SQLite and PostgreSQL and lose nothing."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.core.errors import PermissionDenied
from querela.intake.email.smtp_server import build_controller
from querela.intake.inbound import accepts_recipient, inbound_store, smtp_store
from querela.intake.models import InboundMessage, InboundStatus, OutboundEmail
from querela.intake.registration import inbound_release
from querela.reports.usage import usage_by_month

pytestmark = pytest.mark.django_db(transaction=True)


def _mail(w, *, sender: str, subject: str = "Panasz", body: str = "A számla hibás.", headers=None) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = w.tenant.mailbox
    m["Subject"] = subject
    m["Message-ID"] = make_msgid(domain="example.hu")
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    return m.as_bytes()


def _store(w, raw: bytes) -> InboundMessage:
    msg = inbound_store(raw=raw, tenant=w.tenant, source="smtp")
    with tenancy.tenant_scope(w.tenant):
        msg.refresh_from_db()
    return msg


def test_a_flood_from_one_sender_is_held_not_billed_not_answered_and_released_by_a_person(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.tenant.intake_limit_per_sender = 3
        w.tenant.save()
    results = [_store(w, _mail(w, sender="flood@example.net", body=f"Panasz {i}.")) for i in range(8)]
    with tenancy.tenant_scope(w.tenant):
        assert [m.status for m in results[:3]] == [InboundStatus.REGISTERED] * 3
        held = [m for m in results if m.status == InboundStatus.HELD]
        assert len(held) == 5 and all(m.complaint_id is None and "held for a person" in m.problem for m in held)
        assert Complaint.objects.count() == 3
        assert sum(row["count"] for row in usage_by_month(w.tenant)) == 3  # billed per complaint: 3
        # RFC 3834: one automatic reply per sender in the period, however many mails
        assert OutboundEmail.objects.filter(to__iexact="flood@example.net").count() == 1
        with pytest.raises(PermissionDenied):
            inbound_release(actor=w.actor("agent"), inbound_id=held[0].pk)
        released = inbound_release(actor=w.actor("supervisor"), inbound_id=held[0].pk)
        assert released.status == InboundStatus.REGISTERED and released.complaint is not None
        assert Complaint.objects.count() == 4
        assert OutboundEmail.objects.filter(to__iexact="flood@example.net").count() == 1


def test_the_mailbox_limit_holds_mail_from_many_senders(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.tenant.intake_limit_per_mailbox = 2
        w.tenant.save()
    results = [_store(w, _mail(w, sender=f"s{i}@example.net")) for i in range(4)]
    assert [m.status for m in results] == [InboundStatus.REGISTERED] * 2 + [InboundStatus.HELD] * 2


def test_list_mail_is_registered_but_never_answered_automatically(world):
    w = world.a
    msg = _store(w, _mail(w, sender="news@lists.example.net", headers={"List-Unsubscribe": "<mailto:u@x.example>"}))
    with tenancy.tenant_scope(w.tenant):
        assert msg.status == InboundStatus.REGISTERED
        assert not OutboundEmail.objects.filter(complaint=msg.complaint).exists()


@pytest.mark.parametrize(
    "sender", ["Test test@example.net", "anna@example.net bela@example.net", "<anna kovacs@example.net>"]
)
def test_an_unclear_sender_is_flagged_and_gets_nothing_automatic(world, sender):
    w = world.a
    msg = _store(w, _mail(w, sender=sender))
    with tenancy.tenant_scope(w.tenant):
        c = msg.complaint
        assert c is not None and "Sender unclear" in c.needs_attention
        assert not OutboundEmail.objects.filter(complaint=c).exists()
        assert "@" in c.contact_email and " " not in c.contact_email


def test_a_sender_address_keeps_its_case(world):
    w = world.a
    msg = _store(w, _mail(w, sender="Kovacs Anna <Anna.Kovacs@Example.NET>"))
    with tenancy.tenant_scope(w.tenant):
        assert msg.from_address == "Anna.Kovacs@Example.NET" and msg.sender_key == "anna.kovacs@example.net"
        assert msg.complaint.contact_email == "Anna.Kovacs@Example.NET"


def test_nuls_and_overlong_headers_register_the_same_on_every_database(world):
    w = world.a
    long_subject = "Számla " * 120
    raw = (
        b"From: Kov\x00acs "
        + b"A" * 300
        + b" <anna@example.net>\r\nTo: "
        + w.tenant.mailbox.encode()
        + b"\r\nSubject: "
        + long_subject.encode()
        + b"\x00\r\nMessage-ID: <nul\x00id@example.net>\r\n"
        + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + b'Sz\x00mla\r\n--b\r\nContent-Type: text/plain; name="a\x00b.txt"\r\n\r\nfile\x00\r\n--b--\r\n'
    )
    msg = _store(w, raw)
    with tenancy.tenant_scope(w.tenant):
        assert msg.status == InboundStatus.REGISTERED, msg.problem
        assert msg.message_id == "nulid@example.net"
        c = msg.complaint
        assert "\x00" not in c.subject + c.description + c.contact_name
        assert c.description.startswith("Sz\ufffdmla")
        assert c.attachments.get().filename == "a\ufffdb.txt"
    with msg.raw.open("rb") as fh:
        assert fh.read() == raw  # the raw bytes, NULs included, are kept


def test_a_reused_message_id_with_other_content_is_kept_and_flagged(world):
    w = world.a
    first = _mail(w, sender="anna@example.net", body="Első panasz.")
    same_again = first.replace(b"Subject:", b"Received: from elsewhere\r\nSubject:", 1)  # another route
    other = first.replace("Első panasz.".encode(), "Egészen más szöveg.".encode())
    a, b, c = _store(w, first), _store(w, same_again), _store(w, other)
    assert a.pk == b.pk  # one message, delivered twice
    assert c.pk != a.pk and c.reused_message_id and c.message_id == a.message_id
    with tenancy.tenant_scope(w.tenant):
        assert "already used by a different message" in c.complaint.needs_attention
        assert "Egészen más szöveg." in c.complaint.description


def test_a_message_over_the_size_cap_is_quarantined_not_read(world, monkeypatch):
    from querela.intake.email import parse

    monkeypatch.setattr(parse, "MAX_MESSAGE_BYTES", 10_000)
    w = world.a
    msg = _store(w, _mail(w, sender="big@example.net", body="x" * 20_000))
    with tenancy.tenant_scope(w.tenant):
        assert msg.status == InboundStatus.QUARANTINED and "Too large" in msg.problem
        assert msg.from_address == "big@example.net" and msg.complaint is None


def test_a_nul_in_the_message_id_gets_250_over_smtp(world):
    w = world.a
    controller = build_controller(
        "127.0.0.1", 0, accepts_recipient=accepts_recipient, store_raw=smtp_store, max_size=1 << 20
    )
    controller.start()
    try:
        raw = _mail(w, sender="anna@example.net").replace(b"Message-ID: <", b"Message-ID: <a\x00")
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as client:
            refused = client.sendmail("anna@example.net", [w.tenant.mailbox], raw)
        assert refused == {}
    finally:
        controller.stop()
    with tenancy.tenant_scope(w.tenant):
        stored = InboundMessage.objects.get()
        assert "\x00" not in stored.message_id and stored.status != InboundStatus.QUARANTINED
