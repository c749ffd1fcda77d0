"""Staff notifications that go out exactly once, whatever the number of retries or workers."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from querela.core import clock

from .models import Complaint, Notification


def notification_message_id(n: Notification) -> str:
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "querela.invalid"
    return f"<notification-{n.tenant_id}-{n.pk}@{domain}>"


def notification_create(
    *, complaint: Complaint, kind: str, key: str, recipient: str, subject: str, body: str
) -> Notification | None:
    """Create it once; None when it already exists (someone else got there first)."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                complaint=complaint, kind=kind, key=key, recipient=recipient, subject=subject, body=body
            )
    except IntegrityError:
        return None


def notification_deliver(*, notification_id: int) -> bool:
    """Send one pending notification; safe to call again (a sent one is not re-sent)."""
    with transaction.atomic():
        n = Notification.objects.select_for_update().filter(pk=notification_id, sent_at__isnull=True).first()
        if n is None:
            return False
        if n.recipient:
            try:
                # One Message-ID per notification: if a worker dies between the mail server's 250 and the
                # commit below, the retry is the same message again, which mail clients show once.
                EmailMessage(
                    n.subject, n.body, None, [n.recipient], headers={"Message-ID": notification_message_id(n)}
                ).send()
            except OSError as exc:
                n.error = str(exc)[:2000]
                n.save(update_fields=["error"])
                raise
        n.sent_at = clock.now()
        n.error = ""
        n.save(update_fields=["sent_at", "error"])
    return True


def notify_assignee(*, complaint: Complaint) -> Notification | None:
    if complaint.assignee is None:
        return None
    with translation.override(complaint.tenant.default_language):
        subject = _("Complaint %(ref)s was assigned to you") % {"ref": complaint.reference}
        body = _("Complaint %(ref)s (%(subject)s) is now yours.") % {
            "ref": complaint.reference,
            "subject": complaint.subject,
        }
    return notification_create(
        complaint=complaint,
        kind="assigned",
        key=f"{complaint.assignee_id}:{complaint.updated_at.isoformat()}",
        recipient=complaint.assignee.email,
        subject=subject,
        body=body,
    )
