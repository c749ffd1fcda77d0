"""Answers by e-mail: reference in the subject, threading headers, a real SMTP conversation, failures shown."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.intake.models import OutboundEmail, OutboundStatus
from querela.intake.outbound import outbound_send

pytestmark = pytest.mark.django_db


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield sink
    controller.stop()


def _to(sink: Sink, address: str) -> list[email.message.EmailMessage]:
    parsed = [email.message_from_bytes(m, policy=policy.default) for m in sink.messages]
    return [m for m in parsed if m["To"] == address]  # the handler's assignment notice goes out too


def _answered(w):
    c = complaint_register(
        actor=w.actor("agent"), channel="email", subject="Számla", description="Hibás", customer=w.customer
    )
    h = w.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="assign")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="A számlát javítottuk. Ő ű ő.")
    return c


def test_answer_goes_out_over_smtp_with_reference_and_threading(in_a, smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = _answered(in_a)
    out = OutboundEmail.objects.get(complaint=c)
    assert out.status == OutboundStatus.SENT and out.to == in_a.customer.email
    to_customer = _to(smtp_sink, in_a.customer.email)
    assert len(to_customer) == 1
    msg = to_customer[0]
    assert c.reference in msg["Subject"]
    assert msg["Message-ID"].strip("<>") == out.message_id
    assert msg["From"] == in_a.tenant.mailbox
    assert "Auto-Submitted" not in msg  # a person wrote it
    assert "javítottuk. Ő ű ő." in msg.get_content()


def test_automatic_mail_is_marked_auto_submitted_and_threads(in_a, smtp_sink, django_capture_on_commit_callbacks):
    from querela.complaints.deadline_actions import complaint_acknowledge
    from querela.tenants.access import system_actor

    with django_capture_on_commit_callbacks(execute=True):
        c = complaint_register(
            actor=in_a.actor("agent"), channel="email", subject="s", description="d", customer=in_a.customer
        )
        complaint_acknowledge(actor=system_actor(in_a.tenant), complaint_id=c.pk, automatic=True)
        h = in_a.actor("handler")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign")
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
        complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Done.")
    ack, answer = _to(smtp_sink, in_a.customer.email)
    assert ack["Auto-Submitted"] == "auto-replied"
    assert answer["In-Reply-To"] == ack["Message-ID"] and ack["Message-ID"] in answer["References"]


def test_a_failed_send_is_visible_on_the_complaint_and_retried(in_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    c = _answered(in_a)
    out = OutboundEmail.objects.get(complaint=c)
    with pytest.raises(OSError):
        outbound_send(outbound_id=out.pk)
    out.refresh_from_db()
    c.refresh_from_db()
    assert out.status == OutboundStatus.FAILED and out.attempts == 1 and out.last_error
    assert "not delivered" in c.needs_attention
    first_id = out.message_id
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbound_send(outbound_id=out.pk)
    assert not outbound_send(outbound_id=out.pk)  # already sent: not sent twice
    out.refresh_from_db()
    assert out.status == OutboundStatus.SENT
    # One identity across retries: a repeat after a crash can be deduplicated by the receiver.
    from django.core import mail as django_mail

    sent = [m for m in django_mail.outbox if m.extra_headers.get("Message-ID") == f"<{first_id}>"]
    assert len(sent) == 1 and out.message_id == first_id
