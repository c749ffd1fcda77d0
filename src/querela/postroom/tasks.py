"""The split job: thin, takes ids, safe to run twice (the work is in services.scan_batch_split)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from querela.complaints import hooks
from querela.core import tenancy
from querela.tenants.models import Tenant

from .services import scan_batch_split


@db_task(retries=2, retry_delay=30, name="querela.postroom_split")
def split_scan_task(tenant_id: int, batch_id: int) -> None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        scan_batch_split(batch_id=batch_id)


@hooks.on("postroom:split")
def _on_split(tenant_id: int, batch_id: int) -> None:
    split_scan_task(tenant_id, batch_id)
