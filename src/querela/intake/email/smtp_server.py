"""Inbound SMTP for the tenant mailboxes (`querela smtpd`): accept, store durably, only then answer 250.

Transport only: which addresses exist and how a message is stored are callbacks supplied by the caller
(the intake service), so this module knows nothing about Django.

The delivery guarantee rests on the ordering in ``handle_DATA``: ``store_raw`` must have returned (the
caller commits) before the 250 goes out. A crash before that point leaves the sending MTA without a
final reply, so it retries; a crash after it loses nothing because the message is already stored. The
window in between (stored, 250 not received) makes the sender deliver twice, which the caller's
Message-ID dedupe absorbs. Every failure we cannot attribute to the message itself is answered with a
4xx so the sender keeps the mail and retries instead of bouncing it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

AcceptsRecipient = Callable[[str], bool]
StoreRaw = Callable[[bytes, list[str], str], None]

SIZE_EXCEEDED = "552 5.3.4 Message size exceeds fixed maximum message size"
UNKNOWN_RECIPIENT = "550 5.1.1 Recipient address rejected: no such mailbox here"
RECIPIENT_LOOKUP_FAILED = "451 4.3.0 Temporary failure checking the recipient, try again later"
STORE_FAILED = "451 4.3.0 Temporary failure storing the message, try again later"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
ACCEPTED = "250 2.0.0 OK: message stored"

DEFAULT_MAX_RECIPIENTS = 100
# RFC 5321 allows 1000 octets per line, but real mailers (HTML generators above all) send longer lines,
# and aiosmtpd answers those with a permanent 500: the complaint would bounce. A bounded larger limit
# keeps such mail while still capping what one connection may buffer (twice this, per asyncio).
LONG_LINE_LIMIT = 1024 * 1024


class IntakeHandler:
    """aiosmtpd hooks. The callbacks run in a thread pool: they block on the database, and Django refuses
    ORM calls from a thread that runs an event loop."""

    def __init__(
        self,
        *,
        accepts_recipient: AcceptsRecipient,
        store_raw: StoreRaw,
        max_recipients: int = DEFAULT_MAX_RECIPIENTS,
        workers: int = 8,
    ) -> None:
        self._accepts_recipient = accepts_recipient
        self._store_raw = store_raw
        self._max_recipients = max_recipients
        self._workers = workers
        self._executor: ThreadPoolExecutor | None = None

    def open(self) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="smtpd-store")

    def close(self) -> None:
        # wait=True: a store already running finishes its commit (its sender, cut off, retries and the
        # duplicate is deduped); queued ones are dropped, their connections are gone and will retry.
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        self.open()
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        # Tenant mailboxes are matched case-insensitively; the callback sees one canonical (lower-case) form.
        normalized = address.strip().lower()
        if normalized in envelope.rcpt_tos:
            return "250 2.1.5 OK (duplicate recipient)"
        if len(envelope.rcpt_tos) >= self._max_recipients:
            return TOO_MANY_RECIPIENTS
        try:
            known = bool(await self._in_thread(self._accepts_recipient, normalized))
        except Exception:
            # A database hiccup must not turn into a permanent 550: the sender would bounce the complaint.
            log.exception("recipient check for %r failed", normalized)
            return RECIPIENT_LOOKUP_FAILED
        if not known:
            log.info("rejected unknown recipient %r from %r", normalized, envelope.mail_from)
            return UNKNOWN_RECIPIENT
        envelope.rcpt_tos.append(normalized)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content
        if not isinstance(raw, bytes):  # decode_data is off, so this is always bytes; be explicit for mypy
            raw = bytes(raw or b"")
        # The null reverse-path (bounces, DSNs) stays "<>": registration must never answer such mail.
        mail_from = "<>" if envelope.mail_from in (None, "", "<>") else str(envelope.mail_from)
        recipients = list(envelope.rcpt_tos)
        try:
            await self._in_thread(self._store_raw, raw, recipients, mail_from)
        except Exception:
            log.exception(
                "storing a %d-byte message for %s failed; answering 451 so the sender retries", len(raw), recipients
            )
            return STORE_FAILED
        log.info("stored %d bytes from %r for %s", len(raw), mail_from, recipients)
        return ACCEPTED


class _IntakeSMTP(SMTP):
    def __init__(self, handler: Any, *, line_length_limit: int, **kwargs: Any) -> None:
        # Read by SMTP.__init__ to size its StreamReader, so it must be set first.
        self.line_length_limit = line_length_limit
        super().__init__(handler, **kwargs)

    async def push(self, status: AnyStr) -> None:
        # aiosmtpd enforces SIZE itself (declared at MAIL FROM, actual during DATA) but words the replies
        # without an enhanced status code; senders and tests rely on the standard 552 5.3.4 text.
        if isinstance(status, str) and status.startswith("552 Error:"):
            await super().push(SIZE_EXCEEDED)
            return
        await super().push(status)


class IntakeController(Controller):
    """aiosmtpd's threaded controller with our SMTP class, port 0 support and the store pool's lifecycle."""

    def __init__(self, handler: IntakeHandler, hostname: str, port: int, **kwargs: Any) -> None:
        self._line_length_limit = int(kwargs.pop("line_length_limit", LONG_LINE_LIMIT))
        super().__init__(handler, hostname=hostname, port=port, **kwargs)
        self.intake_handler = handler

    def factory(self) -> SMTP:
        return _IntakeSMTP(self.handler, line_length_limit=self._line_length_limit, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        # Port 0 lets tests bind a free port without a probe-then-bind race; learn the real one before
        # aiosmtpd connects to it to finish starting up.
        sockets = getattr(self.server, "sockets", None)  # asyncio.Server has them, AbstractServer is untyped
        if self.port == 0 and sockets:
            self.port = int(sockets[0].getsockname()[1])
        super()._trigger_server()

    def start(self) -> None:
        self.intake_handler.open()
        super().start()

    def stop(self, no_assert: bool = False) -> None:
        try:
            super().stop(no_assert=no_assert)
        finally:
            self.intake_handler.close()


def build_controller(
    host: str,
    port: int,
    *,
    accepts_recipient: AcceptsRecipient,
    store_raw: StoreRaw,
    max_size: int,
    max_recipients: int = DEFAULT_MAX_RECIPIENTS,
    store_workers: int = 8,
    server_hostname: str | None = None,
    ready_timeout: float = 10.0,
) -> IntakeController:
    """An unstarted SMTP server: call ``.start()`` (returns once it listens) and ``.stop()``.

    ``accepts_recipient(address)`` gets the lower-cased RCPT address; ``store_raw(raw, recipients,
    mail_from)`` gets the exact bytes received (dot-unstuffed, nothing added), the accepted recipients
    (lower-cased, unique) and the envelope sender ("" for the null sender) and must return only once the
    message is durably stored. ``port=0`` picks a free port; read ``controller.port`` after ``start()``.
    """
    handler = IntakeHandler(
        accepts_recipient=accepts_recipient,
        store_raw=store_raw,
        max_recipients=max_recipients,
        workers=store_workers,
    )
    return IntakeController(
        handler,
        host,
        port,
        ready_timeout=ready_timeout,
        # getfqdn() can stall on DNS in containers; the greeting name is cosmetic.
        server_hostname=server_hostname or socket.gethostname(),
        data_size_limit=max_size,  # advertised as "SIZE <max_size>" in the EHLO reply
        enable_SMTPUTF8=True,
        decode_data=False,  # bytes, so store_raw gets exactly what was sent
    )


def serve_forever(
    host: str,
    port: int,
    *,
    accepts_recipient: AcceptsRecipient,
    store_raw: StoreRaw,
    max_size: int,
    stop_event: threading.Event | None = None,
    on_ready: Callable[[IntakeController], None] | None = None,
    **options: Any,
) -> None:
    """Run until SIGTERM/SIGINT (or ``stop_event``), then stop accepting and let running stores finish."""
    controller = build_controller(
        host, port, accepts_recipient=accepts_recipient, store_raw=store_raw, max_size=max_size, **options
    )
    stop = stop_event or threading.Event()
    previous: dict[signal.Signals, Any] = {}

    def _request_stop(signum: int, frame: FrameType | None) -> None:
        log.info("received signal %d, stopping the SMTP server", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():  # signal.signal only works there
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, _request_stop)
    started = False
    try:
        controller.start()
        started = True
        log.info("inbound SMTP listening on %s:%d (max %d bytes)", host, controller.port, max_size)
        if on_ready is not None:
            on_ready(controller)
        # A timed wait keeps the main thread returning to the interpreter, where signal handlers run.
        while not stop.wait(0.5):
            pass
    finally:
        if started:
            controller.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("inbound SMTP stopped")
