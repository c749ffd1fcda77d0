"""Receiving mail: store the raw message durably first, process it after (exactly once per tenant)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.core.files.base import ContentFile
from django.db import IntegrityError, close_old_connections, transaction

from querela.core import clock, tenancy
from querela.tenants.models import Tenant

from .models import InboundMessage

log = logging.getLogger(__name__)


def header_message_id(raw: bytes) -> str:
    """The Message-ID, or a content hash when it is missing: duplicates are still caught."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
        value = str(headers.get("Message-ID", "") or "").strip()
    except Exception:
        value = ""
    value = "".join(value.split()).strip("<>")
    return value[:255] if value else f"sha256:{hashlib.sha256(raw).hexdigest()}"


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
    with tenancy.tenant_scope(tenant):
        existing = InboundMessage.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                msg = InboundMessage(
                    message_id=message_id,
                    mailbox=mailbox or tenant.mailbox,
                    source=source,
                    raw_sha256=digest,
                    size=len(raw),
                    mail_from=mail_from[:320],
                    received_at=clock.now(),
                )
                msg.raw.save(f"{digest[:32]}.eml", ContentFile(raw), save=False)
                msg.save()
                from .tasks import process_inbound_task

                ids = (tenant.pk, msg.pk)
                transaction.on_commit(lambda: process_inbound_task(*ids))
        except IntegrityError:  # the same message arrived concurrently on another path
            return InboundMessage.objects.get(message_id=message_id)
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
