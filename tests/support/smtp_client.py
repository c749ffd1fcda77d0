"""Small helpers for talking real SMTP (smtplib) to the intake server in tests."""

from __future__ import annotations

import contextlib
import smtplib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field


def make_message(
    *,
    message_id: str,
    subject: str = "Panasz",
    body: bytes = b"Hello.\r\n",
    to: str = "complaints@aaa.example",
    sender: str = "customer@example.net",
    extra_headers: bytes = b"",
) -> bytes:
    """A minimal RFC 5322 message with CRLF line ends (smtplib sends bytes as they are)."""
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    ).encode()
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return head + extra_headers + b"\r\n" + body


@contextlib.contextmanager
def smtp_session(host: str, port: int, *, timeout: float = 10) -> Iterator[smtplib.SMTP]:
    client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        client.ehlo("test.example")
        yield client
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()


@dataclass
class RecordingStore:
    """A store_raw that keeps what it got; set ``fail_next`` to make the next calls raise."""

    calls: list[tuple[bytes, list[str], str]] = field(default_factory=list)
    fail_next: int = 0
    threads: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, raw: bytes, recipients: list[str], mail_from: str) -> None:
        with self._lock:
            self.threads.append(threading.current_thread().name)
            if self.fail_next:
                self.fail_next -= 1
                raise RuntimeError("database is down")
            self.calls.append((raw, recipients, mail_from))
