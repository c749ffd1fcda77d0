"""The customer's copy of signed minutes by e-mail, with the PDF attached (seed 004: a copy is handed to the
customer), in the customer's language. Sent outside any transaction; recorded on the complaint after."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.language import complaint_language
from querela.complaints.models import EntryType
from querela.complaints.timeline import add_entry
from querela.tenants.access import system_actor

from .models import Minutes


def compose(minutes: Minutes) -> EmailMessage:
    complaint = minutes.complaint
    tenant = complaint.tenant
    with translation.override(complaint_language(complaint)):
        values = {"ref": complaint.reference, "version": minutes.version}
        subject = _("Minutes of your complaint %(ref)s") % values
        body = "\n\n".join(
            [
                _("Dear Customer,"),
                _(
                    "Attached is your copy of the minutes of your complaint %(ref)s (version %(version)s), signed by "
                    "you and by us. We will answer your complaint in writing."
                )
                % values,
                _("Yours sincerely,") + "\n" + tenant.name,
            ]
        )
    message = EmailMessage(subject=subject, body=body, from_email=tenant.mailbox, to=[minutes.customer_email])
    assert minutes.pdf is not None
    with minutes.pdf.file.open("rb") as f:
        message.attach(minutes.pdf.filename, f.read(), "application/pdf")
    return message


def minutes_copy_send(*, minutes_id: int) -> bool:
    """Send the copy of signed minutes; False when there is nothing to send."""
    minutes = (
        Minutes.objects.filter(pk=minutes_id, signed_at__isnull=False, copy_by="email")
        .select_related("complaint__tenant", "complaint__customer", "pdf")
        .first()
    )
    if minutes is None or minutes.pdf is None or not minutes.customer_email:
        return False
    compose(minutes).send()
    complaint = minutes.complaint
    actor = system_actor(complaint.tenant, label="e-mail")
    with transaction.atomic():
        with translation.override(complaint.tenant.default_language):
            text = _("A copy of the minutes (version %(version)s) was e-mailed to %(to)s.") % {
                "version": minutes.version,
                "to": minutes.customer_email,
            }
        add_entry(complaint, actor, EntryType.SYSTEM, text, minutes=minutes.pk)
        audit_record(
            actor=actor,
            action="minutes.copy_sent",
            object_type="minutes",
            object_id=minutes.pk,
            changes={"to": minutes.customer_email},
        )
    return True
