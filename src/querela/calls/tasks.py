"""Nightly: recordings past their 5 years are deleted, tenant by tenant (thin; the rule is in services)."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from querela.core import tenancy
from querela.core.periodic import periodic_job
from querela.tenants.models import Tenant


@periodic_job(crontab(hour="2", minute="40"), name="querela.purge_call_recordings", every=timedelta(days=1))
def purge_call_recordings() -> None:
    from .services import recordings_purge

    for tenant in Tenant.objects.filter(is_active=True).iterator():
        with tenancy.tenant_scope(tenant):
            recordings_purge()
