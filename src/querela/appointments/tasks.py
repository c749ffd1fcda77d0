"""Booking mail is sent by the worker: thin, takes ids; the mail says what the booking is now."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from querela.core import tenancy
from querela.tenants.models import Tenant


@db_task(retries=3, retry_delay=60, name="querela.send_appointment_mail")
def send_appointment_mail(tenant_id: int, appointment_id: int, kind: str) -> None:
    from .mails import compose
    from .models import Appointment

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        appointment = Appointment.objects.filter(pk=appointment_id).select_related("office").first()
        if appointment is not None:
            compose(tenant, appointment, kind).send()
