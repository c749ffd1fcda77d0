"""Mail to customers: reference in the subject, threading headers, retried delivery, visible failures."""

from __future__ import annotations

import smtplib
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import select_template
from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints import hooks
from querela.complaints.language import complaint_language
from querela.complaints.models import Attachment, Complaint, EntryType, TimelineEntry
from querela.core import clock
from querela.documents.greetings import opens_with_greeting

from .models import OutboundEmail, OutboundStatus

MAX_ATTEMPTS = 6


def _new_message_id(tenant_code: str) -> str:
    return f"{uuid.uuid4().hex}.{tenant_code.lower()}@{settings.QUERELA['MAILBOX_DOMAIN']}"


def render_mail(complaint: Complaint, template: str, context: dict[str, Any]) -> str:
    """Per-tenant template first (`intake/mail/<CODE>/<name>.txt`), then the default one."""
    with translation.override(complaint_language(complaint)):
        tpl = select_template([f"intake/mail/{complaint.tenant.code}/{template}.txt", f"intake/mail/{template}.txt"])
        return tpl.render({"complaint": complaint, "tenant": complaint.tenant, **context}).strip() + "\n"


def _thread_headers(complaint: Complaint) -> tuple[str, list[str]]:
    """Reply to the customer's last mail; References carry the whole conversation."""
    fresh = getattr(complaint, "fresh_thread", None)
    if fresh is not None:  # registered in this transaction: its only mail is the one it came from
        ids = [m for m in fresh if m and not m.startswith("sha256:")]
        return (ids[-1] if ids else ""), ids
    # The customer's mails as the timeline knows them: the intake writes each one's Message-ID on its
    # entry in the same transaction, so the acknowledgement of a mail already replies to it.
    inbound = [
        str(mid)
        for mid in TimelineEntry.objects.filter(
            complaint=complaint, entry_type=EntryType.INBOUND, data__has_key="message_id"
        )
        .order_by("created_at", "pk")
        .values_list("data__message_id", flat=True)
        if mid
    ]
    ours = list(
        OutboundEmail.objects.filter(complaint=complaint).order_by("created_at").values_list("message_id", flat=True)
    )
    refs = [m for m in inbound + ours if m and not m.startswith("sha256:")]
    in_reply_to = inbound[-1] if inbound and not inbound[-1].startswith("sha256:") else (refs[-1] if refs else "")
    return in_reply_to, refs[-20:]


@hooks.on_outbound_entry  # type: ignore[arg-type]
def queue_outbound_email(entry: TimelineEntry) -> OutboundEmail | None:
    """A message to the customer in the e-mail channel becomes a queued mail (sent after commit)."""
    complaint = entry.complaint
    if entry.channel != "email":
        return None
    to = complaint.contact_email or (complaint.customer.email if complaint.customer else "")
    if not to:
        from querela.complaints.services import complaint_flag
        from querela.tenants.access import system_actor

        with translation.override(complaint.tenant.default_language):
            note = _("No e-mail address to send the answer to.")
        complaint_flag(actor=system_actor(complaint.tenant, label="e-mail"), complaint_id=complaint.pk, note=note)
        return None
    automatic = bool(entry.data.get("automatic"))
    in_reply_to, refs = _thread_headers(complaint)
    purpose = str(entry.data.get("purpose", "message"))
    subject = " ".join(render_mail(complaint, "subject", {"purpose": purpose}).split())  # a header: one line
    # The greeting once: the answer's own ("Tisztelt Kovács Éva!") or else the mail's.
    greeted = opens_with_greeting(entry.body)
    body = render_mail(complaint, "message", {"text": entry.body, "purpose": purpose, "greeted": greeted})
    mail = OutboundEmail.objects.create(
        complaint=complaint,
        entry=entry,
        to=to,
        subject=subject[:500],
        body=body,
        message_id=_new_message_id(complaint.tenant.code),
        in_reply_to=in_reply_to,
        references=" ".join(refs),
        automatic=automatic,
    )
    hooks.after_commit("outbound:queued", mail.tenant_id, mail.pk)
    return mail


# A claim older than this is a worker that died mid-send: the mail may be taken again (same Message-ID).
CLAIM_SECONDS = 600


def _claim(outbound_id: int) -> tuple[EmailMessage, str] | None:
    """Take the mail for sending in a short transaction of its own; None when it is sent or being sent."""
    with transaction.atomic():
        mail = (
            OutboundEmail.objects.select_for_update().select_related("complaint__tenant").filter(pk=outbound_id).first()
        )
        if mail is None or mail.status == OutboundStatus.SENT:
            return None
        now = clock.now()
        if (
            mail.status == OutboundStatus.SENDING
            and mail.claimed_at
            and (now - mail.claimed_at).total_seconds() < CLAIM_SECONDS
        ):
            return None  # another worker is on it
        mail.attempts += 1
        mail.status, mail.claimed_at = OutboundStatus.SENDING, now
        mail.save(update_fields=["attempts", "status", "claimed_at"])
        # The Message-ID was chosen when the row was made: every retry sends the same one.
        headers = {"Message-ID": f"<{mail.message_id}>"}
        if mail.in_reply_to:
            headers["In-Reply-To"] = f"<{mail.in_reply_to}>"
        if mail.references:
            headers["References"] = " ".join(f"<{r}>" for r in mail.references.split())
        if mail.automatic:
            headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: other robots must not answer it
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            from_email=mail.complaint.tenant.mailbox,
            to=[mail.to],
            headers=headers,
        )
        for attachment in _enclosed(mail):
            with attachment.file.open("rb") as f:
                message.attach(attachment.filename, f.read(), attachment.content_type)
        return message, mail.to


def _enclosed(mail: OutboundEmail) -> list[Attachment]:
    """The files that go with a message: those stored with it (the copy of a call recording) and the
    case's documents the handler enclosed with an answer (their size was checked when it was sent)."""
    if mail.entry_id is None:
        return []
    entry = TimelineEntry.objects.filter(pk=mail.entry_id).first()
    if entry is None:
        return []
    ids = [int(pk) for pk in entry.data.get("enclosures", []) if str(pk).isdigit()]
    files = Attachment.objects.filter(Q(entry_id=entry.pk) | Q(complaint_id=entry.complaint_id, pk__in=ids))
    return list(files.order_by("pk"))


def outbound_send(*, outbound_id: int) -> bool:
    """Send one queued mail; idempotent. The mail server is talked to outside any database transaction
    (with `EMAIL_TIMEOUT`), so a slow or silent server delays mail and nothing else. A failure is
    recorded on the mail and the complaint, then raised again so the job is retried."""
    claimed = _claim(outbound_id)
    if claimed is None:
        return False
    message, to = claimed
    try:
        message.connection = get_connection()
        message.send()
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        _record_failure(outbound_id, to, f"{type(exc).__name__}: {exc}")
        raise
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=outbound_id).update(
            status=OutboundStatus.SENT, sent_at=clock.now(), last_error=""
        )
    return True


def _record_failure(outbound_id: int, to: str, error: str) -> None:
    from querela.complaints.services import complaint_flag
    from querela.tenants.access import system_actor

    with transaction.atomic():
        mail = OutboundEmail.objects.select_for_update().select_related("complaint__tenant").get(pk=outbound_id)
        mail.last_error = error[:2000]
        mail.status = OutboundStatus.GAVE_UP if mail.attempts >= MAX_ATTEMPTS else OutboundStatus.FAILED
        mail.save(update_fields=["last_error", "status"])
        with translation.override(mail.complaint.tenant.default_language):
            note = _("E-mail to %(to)s not delivered: %(error)s") % {"to": to, "error": mail.last_error}
        complaint_flag(
            actor=system_actor(mail.complaint.tenant, label="e-mail"), complaint_id=mail.complaint_id, note=note
        )
