"""A mail server that accepts the connection and never answers delays mail, never anything else: the
database is not held while the server is talked to, and the wait ends at EMAIL_TIMEOUT."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from querela.complaints.services import complaint_add_note, complaint_register
from querela.core import tenancy
from querela.intake.models import OutboundEmail, OutboundStatus
from querela.intake.outbound import outbound_send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_server(settings):
    """Accepts TCP connections and says nothing (no SMTP greeting), like a wedged mail server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
                held.append(conn)
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.getsockname()[1], 3
    yield
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_mail_server_holds_up_no_database_write(world, silent_server):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="email", subject="Számla", description="Hibás", customer=w.customer
        )
        # Made directly so no job sends it first: this test is about the send below.
        OutboundEmail.objects.create(
            complaint=c, to=w.customer.email, subject="Re: Számla", body="Válasz", message_id="stall-1@querela.test"
        )
        mail = OutboundEmail.objects.get(message_id="stall-1@querela.test")
    outcome: dict[str, object] = {}

    def send() -> None:
        with tenancy.tenant_scope(w.tenant):
            try:
                outbound_send(outbound_id=mail.pk)
            except OSError as exc:
                outcome["error"] = exc
        from django.db import connection

        connection.close()

    sender = threading.Thread(target=send)
    started = time.monotonic()
    sender.start()
    time.sleep(0.5)  # the sender is now waiting for the server's greeting
    with tenancy.tenant_scope(w.tenant):
        write_started = time.monotonic()
        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text="Írás a küldés közben.")
        write_took = time.monotonic() - write_started
    sender.join(timeout=30)
    assert not sender.is_alive()
    assert write_took < 2, f"a write waited {write_took:.1f} s for the mail server"
    assert "error" in outcome and time.monotonic() - started < 15  # given up at the timeout
    with tenancy.tenant_scope(w.tenant):
        mail.refresh_from_db()
        c.refresh_from_db()
        assert mail.status == OutboundStatus.FAILED and mail.attempts == 1
        assert "not delivered" in c.needs_attention
