"""Receiving mail: store the raw message durably first, process it after (exactly once per tenant)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, close_old_connections, transaction

from querela.complaints import hooks
from querela.core import clock, tenancy
from querela.tenants.models import Tenant

from .email._headers import message_ids, parse_header_block
from .email.parse import parse_message, storable_id
from .models import InboundMessage

# Headers sit at the start; a Message-ID is read from this much of a large message.
HEADER_PREFIX_BYTES = 256 * 1024

log = logging.getLogger(__name__)


def header_message_id(raw: bytes) -> str:
    """The key a message is stored under once per tenant: its Message-ID as the parser reads it.

    Without one, a digest of what the sender wrote (From, Date, Subject, body, attachments) rather
    than of the raw bytes: copies that reached us by different routes carry different Received lines.
    """
    # The header block is enough (the body is parsed once, by the job that registers the mail).
    headers, _body = parse_header_block(raw, 0, min(len(raw), HEADER_PREFIX_BYTES), [], "the message")
    ids = message_ids(headers.get("message-id"))
    found = storable_id(ids[0]) if ids else None
    if found:
        return found
    parsed = parse_message(raw)
    content = "\x00".join(
        [
            parsed.from_address or "",
            parsed.date.isoformat() if parsed.date else "",
            parsed.subject or "",
            parsed.text or "",
            *(a.sha256 for a in parsed.attachments),
        ]
    )
    return f"sha256:{hashlib.sha256(content.encode('utf-8', 'surrogatepass')).hexdigest()}"


def content_digest(raw: bytes) -> str:
    """What the sender wrote, independent of the route: From, Date, Subject and the body, line endings
    normalised. Two deliveries of one message agree; a reused Message-ID with other content does not."""
    headers, body_start = parse_header_block(raw, 0, min(len(raw), HEADER_PREFIX_BYTES), [], "the message")
    digest = hashlib.sha256()
    for name in ("from", "date", "subject"):
        digest.update((headers.get(name) or "").encode("utf-8", "surrogatepass") + b"\x00")
    digest.update(raw[body_start:].replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def tenants_for_recipients(recipients: Iterable[str]) -> list[Tenant]:
    wanted = {r.strip().lower() for r in recipients if r}
    return [t for t in Tenant.objects.filter(is_active=True) if t.mailbox.lower() in wanted]


def accepts_recipient(address: str) -> bool:
    return Tenant.objects.filter(mailbox__iexact=address.strip(), is_active=True).exists()


def inbound_store(*, raw: bytes, tenant: Tenant, source: str, mailbox: str = "", mail_from: str = "") -> InboundMessage:
    """Durably keep one message for one tenant; the same Message-ID twice gives the first row back.

    Commits before returning: the SMTP server answers 250 and the IMAP poller marks the message only
    after this returns.
    """
    message_id = header_message_id(raw)
    digest = hashlib.sha256(raw).hexdigest()
    content = content_digest(raw)
    with tenancy.tenant_scope(tenant):
        same_id = list(InboundMessage.objects.filter(message_id=message_id)[:50])
        existing = next((m for m in same_id if m.content_sha256 in (content, "")), None)
        if existing is not None:
            return existing  # the same message again (a retry, another route): stored once
        try:
            with transaction.atomic():
                msg = InboundMessage(
                    message_id=message_id,
                    content_sha256=content,
                    # Another message under a Message-ID we already have: kept as its own, flagged.
                    reused_message_id=bool(same_id),
                    mailbox=mailbox or tenant.mailbox,
                    source=source,
                    raw_sha256=digest,
                    size=len(raw),
                    mail_from=mail_from.replace("\x00", "")[:320],
                    received_at=clock.now(),
                )
                msg.raw.save(f"{digest[:32]}.eml", ContentFile(raw), save=False)
                msg.save()
                hooks.after_commit("inbound:stored", tenant.pk, msg.pk)
        except IntegrityError:  # the same message arrived concurrently on another path
            return InboundMessage.objects.get(message_id=message_id, content_sha256=content)
    return msg


def smtp_store(raw: bytes, recipients: list[str], mail_from: str) -> None:
    """The SMTP server's callback: one stored copy per tenant addressed; raises if one could not be stored."""
    # Runs in the server's long-lived pool threads: drop connections the database has closed.
    close_old_connections()
    try:
        for tenant in tenants_for_recipients(recipients):
            inbound_store(raw=raw, tenant=tenant, source="smtp", mailbox=tenant.mailbox, mail_from=mail_from)
    finally:
        close_old_connections()
