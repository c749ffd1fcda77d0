"""Letter jobs: thin, take ids, idempotent (the work is in services.letter_store)."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_task

from querela.complaints import hooks
from querela.core import tenancy
from querela.core.periodic import periodic_job
from querela.tenants.models import Tenant

from .selectors import letters_to_store
from .services import letter_store


@db_task(retries=5, retry_delay=60, name="querela.store_letter")
def store_letter_task(tenant_id: int, entry_id: int) -> None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        letter_store(entry_id=entry_id)


@hooks.on("printing:letter")
def _on_letter(tenant_id: int, entry_id: int) -> None:
    store_letter_task(tenant_id, entry_id)


@periodic_job(crontab(minute="*/10"), name="querela.store_letters_sweep", every=timedelta(minutes=10))
def store_letters_sweep() -> None:
    """Pick up the letters a crash left unstored (a letter by post missing would never be printed)."""
    for tenant_id, entry_id in letters_to_store():
        store_letter_task(tenant_id, entry_id)
