"""Background jobs of the work instruction library: thin, take ids, idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_task

from querela.complaints import hooks
from querela.core.periodic import periodic_job

from .checklists import attach_after_commit, checklists_missing


@db_task(retries=3, retry_delay=30, name="querela.checklist_attach")
def checklist_attach_task(tenant_id: int, complaint_id: int) -> None:
    """Attach the checklist of the instruction a complaint follows (after registration or a new category)."""
    attach_after_commit(tenant_id, complaint_id)


@periodic_job(crontab(minute="*/5"), name="querela.checklists_sweep", every=timedelta(minutes=5))
def checklists_sweep() -> None:
    """Attach the checklists whose job after registration was lost."""
    for tenant_id, complaint_id in checklists_missing(older_than_seconds=int(settings.QUERELA["SWEEP_GRACE_SECONDS"])):
        checklist_attach_task(tenant_id, complaint_id)


@hooks.on("registered")
@hooks.on("transition:register")
@hooks.on("category_changed")
def _on_classified(tenant_id: int, complaint_id: int) -> None:
    checklist_attach_task(tenant_id, complaint_id)
