"""Mail placed in a real Dovecot mailbox becomes a complaint; the message is marked only after commit."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.intake.models import ImapMailbox
from querela.intake.polling import poll_all_mailboxes
from tests.support.dovecot import dovecot_fixture

dovecot = dovecot_fixture(scope="module", imaps=False)
pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    """A real 1×1 PNG: attachments are sniffed, and a header followed by zeros is no image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


PNG = _png()


def _raw(sender: str, subject: str) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, "panasz@aaa.example", subject
    m["Message-ID"] = f"<{subject.replace(' ', '-')}@example.hu>"
    m.set_content("A mérőóra rosszul mér.")
    m.add_attachment(PNG, maintype="image", subtype="png", filename="mérő.png")
    return m.as_bytes()


def test_polled_mail_is_registered_once_and_errors_are_kept_for_the_admin(world, dovecot):
    w = world.a
    user, password = dovecot.new_user("aaa")
    for i in range(3):
        dovecot.append(user, _raw(w.customer.email, f"Panasz {i}"))
    with tenancy.tenant_scope(w.tenant):
        box = ImapMailbox.objects.create(
            host="127.0.0.1", port=dovecot.port, use_ssl=False, username=user, auth="password", secret=password
        )
        broken = ImapMailbox.objects.create(
            host="127.0.0.1", port=dovecot.port, use_ssl=False, username=user, auth="password", secret="wrong-password"
        )
    poll_all_mailboxes()
    poll_all_mailboxes()  # nothing new: nothing registered twice
    with tenancy.tenant_scope(w.tenant):
        complaints = list(Complaint.objects.order_by("subject"))
        assert [c.subject for c in complaints] == ["Panasz 0", "Panasz 1", "Panasz 2"]
        assert all(c.customer == w.customer and c.attachments.count() == 1 for c in complaints)
        box.refresh_from_db()
        broken.refresh_from_db()
        assert box.last_uid == 3 and not box.last_error
        assert broken.last_error  # shown to the tenant administrator
    assert all("$QuerelaDone" in m.flags for m in dovecot.messages(user))


class _TokenEndpoint:
    """A provider's OAuth2 token endpoint on loopback: a real HTTP conversation, answers from `reply`."""

    def __init__(self, reply: tuple[int, dict]) -> None:
        import http.server
        import json
        import threading

        self.requests: list[dict[str, list[str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                from urllib.parse import parse_qs

                length = int(self.headers["Content-Length"])
                outer.requests.append(parse_qs(self.rfile.read(length).decode()))
                status, body = reply
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _oauth_box(dovecot, user: str, token_url: str, refresh_token: str) -> ImapMailbox:
    """A Microsoft 365 / Gmail style mailbox whose access token has run out."""
    return ImapMailbox.objects.create(
        host="127.0.0.1",
        port=dovecot.port,
        use_ssl=False,
        username=user,
        auth="xoauth2",
        secret="expired-token",
        oauth_token_url=token_url,
        oauth_client_id="querela",
        oauth_refresh_token=refresh_token,
    )


def test_an_expired_oauth2_token_is_renewed_before_polling(world, dovecot):
    w = world.a
    user, password = dovecot.new_user("oauth")
    dovecot.append(user, _raw(w.customer.email, "Panasz OAuth"))
    # Dovecot checks an XOAUTH2 bearer token like a password: the provider hands out that one.
    endpoint = _TokenEndpoint((200, {"access_token": password, "expires_in": 3600, "refresh_token": "rotated"}))
    failing = _TokenEndpoint((400, {"error": "invalid_grant"}))
    try:
        with tenancy.tenant_scope(w.tenant):
            box = _oauth_box(dovecot, user, endpoint.url, "first-refresh")
            revoked = _oauth_box(dovecot, user, failing.url, "revoked")
        poll_all_mailboxes()
        assert endpoint.requests[0]["grant_type"] == ["refresh_token"]
        assert endpoint.requests[0]["refresh_token"] == ["first-refresh"]
        with tenancy.tenant_scope(w.tenant):
            assert Complaint.objects.filter(subject="Panasz OAuth").count() == 1
            box.refresh_from_db()
            revoked.refresh_from_db()
            assert box.secret == password and box.oauth_refresh_token == "rotated" and not box.last_error
            assert "invalid_grant" in revoked.last_error  # shown to the tenant administrator
        poll_all_mailboxes()
        assert len(endpoint.requests) == 1  # still valid: not renewed again
    finally:
        endpoint.close()
        failing.close()
