"""A fault report (an outage, a broken pipe) that reached the complaint office is not a complaint: when
it is redirected, the supplier's fault-handling team gets it by e-mail at once, with what the customer
said and how to reach them — the customer is told where it went in the redirect letter itself."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints import hooks
from querela.complaints.models import Complaint, Kind
from querela.complaints.notifications import notification_create

from .selectors import portal_profile


@hooks.on("transition:redirect", in_transaction=True)
def forward_fault_report(complaint: Complaint) -> None:
    if complaint.kind != Kind.TECHNICAL_FAULT:
        return
    to = portal_profile().fault_email
    if not to:
        return
    place = complaint.place
    with translation.override(complaint.tenant.default_language):
        subject = _("Fault report forwarded from the complaint office: %(ref)s") % {"ref": complaint.reference}
        lines = [
            _("Reference: %(ref)s") % {"ref": complaint.reference},
            _("Reported: %(at)s") % {"at": complaint.received_at.isoformat(timespec="minutes")},
            _("Reported by: %(name)s %(phone)s %(email)s")
            % {"name": complaint.contact_name, "phone": complaint.contact_phone, "email": complaint.contact_email},
            _("Place: %(place)s") % {"place": str(place) if place else complaint.place_address or "—"},
            _("Subject: %(subject)s") % {"subject": complaint.subject},
            "",
            complaint.description,
        ]
    notice = notification_create(
        complaint=complaint,
        kind="fault_forward",
        key=f"complaint:{complaint.pk}",
        recipient=to,
        subject=subject,
        body="\n".join(lines),
    )
    if notice is not None:
        hooks.after_commit("notification:created", complaint.tenant_id, notice.pk)
