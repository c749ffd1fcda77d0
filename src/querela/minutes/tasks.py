"""The customer's copy of signed minutes is mailed by the worker: thin, takes ids, quiet when the row is gone."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from querela.core import tenancy
from querela.tenants.models import Tenant


@db_task(retries=3, retry_delay=60, name="querela.send_minutes_copy")
def send_minutes_copy(tenant_id: int, minutes_id: int) -> None:
    from .mails import minutes_copy_send

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        minutes_copy_send(minutes_id=minutes_id)
