"""The privacy jobs: thin, take ids, re-read their rows in the tenant's scope, safe to run twice (the work
is in `export.py`, `purge.py`, `erasure.py`)."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_task

from querela.complaints import hooks
from querela.core import tenancy
from querela.core.periodic import periodic_job
from querela.tenants.access import system_actor
from querela.tenants.models import Tenant


@db_task(retries=1, retry_delay=60, name="querela.privacy_export")
def subject_export_task(tenant_id: int, export_id: int) -> None:
    from .export import subject_export_build

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        subject_export_build(export_id)


@db_task(retries=0, name="querela.privacy_purge")
def purge_run_task(tenant_id: int, run_id: int) -> None:
    from .purge import purge_run_by_id

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        purge_run_by_id(run_id, actor=system_actor(tenant, label="system"))


@hooks.on("privacy:export")
def _on_export(tenant_id: int, export_id: int) -> None:
    subject_export_task(tenant_id, export_id)


@hooks.on("privacy:purge")
def _on_purge(tenant_id: int, run_id: int) -> None:
    purge_run_task(tenant_id, run_id)


@periodic_job(crontab(hour="3", minute="40"), name="querela.privacy_purge_daily", every=timedelta(days=1))
def privacy_purge_daily() -> None:
    """Every supplier's retention purge (with its report kept as a run), then the erasure requests whose
    kept items may now go. A supplier whose periods were shortened since its last purge gets a dry run
    instead, until its officer confirms one."""
    from querela.audit.services import audit_record

    from .erasure import erasures_continue
    from .purge import purge_execute, purge_start
    from .selectors import periods_shortened_since_last_purge

    for tenant in Tenant.objects.filter(is_active=True).iterator():
        with tenancy.tenant_scope(tenant):
            actor = system_actor(tenant, label="system")
            shortened = periods_shortened_since_last_purge()
            if shortened:
                # A destructive change is previewed and confirmed: until the officer confirms a dry run
                # under the shorter periods, the night only counts what they would remove.
                plan = purge_execute(purge_start(actor=actor, dry_run=True), actor=actor)
                audit_record(
                    actor=actor,
                    action="privacy.purge_waiting",
                    object_type="purge_run",
                    object_id=plan.pk,
                    changes={"shortened": shortened},
                )
            else:
                purge_execute(purge_start(actor=actor, dry_run=False), actor=actor)
            erasures_continue()
