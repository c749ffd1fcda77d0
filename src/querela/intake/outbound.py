"""Mail to customers: reference in the subject, threading headers, retried delivery, visible failures."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import select_template
from django.utils import translation

from querela.complaints import hooks
from querela.complaints.language import complaint_language
from querela.complaints.models import Complaint, TimelineEntry
from querela.core import clock

from .models import InboundMessage, OutboundEmail, OutboundStatus

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
    inbound = list(
        InboundMessage.objects.filter(complaint=complaint).order_by("received_at").values_list("message_id", flat=True)
    )
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
        complaint.needs_attention = "No e-mail address to send the answer to."
        complaint.save(update_fields=["needs_attention"])
        return None
    automatic = bool(entry.data.get("automatic"))
    in_reply_to, refs = _thread_headers(complaint)
    purpose = str(entry.data.get("purpose", "message"))
    subject = render_mail(complaint, "subject", {"purpose": purpose}).strip()
    body = render_mail(complaint, "message", {"text": entry.body, "purpose": purpose})
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
    from .tasks import send_outbound_email_task

    ids = (mail.tenant_id, mail.pk)
    transaction.on_commit(lambda: send_outbound_email_task(*ids))
    return mail


def outbound_send(*, outbound_id: int) -> bool:
    """Send one queued mail; idempotent. A failure is recorded on the mail and the complaint, then
    raised again (after the record is committed) so the job is retried."""
    failure: Exception | None = None
    with transaction.atomic():
        mail = (
            OutboundEmail.objects.select_for_update().select_related("complaint__tenant").filter(pk=outbound_id).first()
        )
        if mail is None or mail.status == OutboundStatus.SENT:
            return False
        mail.attempts += 1
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
            connection=get_connection(),
        )
        try:
            message.send()
        except (OSError, ValueError) as exc:
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            mail.status = OutboundStatus.GAVE_UP if mail.attempts >= MAX_ATTEMPTS else OutboundStatus.FAILED
            mail.save(update_fields=["attempts", "last_error", "status"])
            complaint = mail.complaint
            complaint.needs_attention = f"E-mail to {mail.to} not delivered: {mail.last_error}"[:300]
            complaint.save(update_fields=["needs_attention"])
            failure = exc
        else:
            mail.status = OutboundStatus.SENT
            mail.sent_at = clock.now()
            mail.last_error = ""
            mail.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if failure is not None:
        raise failure
    return True
