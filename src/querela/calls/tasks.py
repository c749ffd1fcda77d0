"""Nightly: recordings past their 5 years are deleted, tenant by tenant (thin; the rule is in services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from querela.core import tenancy
from querela.tenants.models import Tenant


@db_periodic_task(crontab(hour="2", minute="40"), name="querela.purge_call_recordings")
def purge_call_recordings() -> None:
    from .services import recordings_purge

    for tenant in Tenant.objects.filter(is_active=True).iterator():
        with tenancy.tenant_scope(tenant):
            recordings_purge()
