"""Booking confirmations with the visit as an .ics file, and the link to cancel or move it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from querela.core import clock

from . import ics
from .links import manage_url
from .models import Appointment


def when(tenant: Any, appointment: Appointment) -> str:
    local = appointment.starts_at.astimezone(clock.tenant_zone(tenant))
    return formats.date_format(local, "DATETIME_FORMAT")


def calendar_file(tenant: Any, appointment: Appointment) -> bytes:
    return ics.event(
        uid=f"appointment-{appointment.pk}@{tenant.code.lower()}.querela",
        sequence=appointment.version,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=f"{tenant.name}: {appointment.office.name}",
        location=appointment.office.address,
        cancelled=appointment.status == "cancelled",
    )


def compose(tenant: Any, appointment: Appointment, kind: str) -> EmailMessage:
    with translation.override(appointment.language or tenant.default_language):
        values = {
            "when": when(tenant, appointment),
            "office": appointment.office.name,
            "address": appointment.office.address.rstrip(". "),
            "link": manage_url(tenant.code, appointment.pk),
            "book": settings.QUERELA["PUBLIC_URL"] + reverse("web:appointment_book", kwargs={"code": tenant.code}),
        }
        if kind == "cancelled":
            subject = _("Appointment cancelled")
            body = (
                _("Your appointment on %(when)s at %(office)s (%(address)s) is cancelled. To book a new one: %(book)s")
                % values
            )
        else:
            subject = _("Your appointment is booked") if kind == "booked" else _("Your appointment was moved")
            body = (
                _(
                    "Your appointment: %(when)s, %(office)s, %(address)s.\n\nBring an identity document and your "
                    "latest bill. To cancel or move it, open:\n%(link)s"
                )
                % values
            )
        body = "\n\n".join([_("Dear Customer,"), body, _("Yours sincerely,") + "\n" + tenant.name])
    message = EmailMessage(subject=subject, body=body, from_email=tenant.mailbox, to=[appointment.email])
    message.attach("appointment.ics", calendar_file(tenant, appointment), "text/calendar")
    return message
