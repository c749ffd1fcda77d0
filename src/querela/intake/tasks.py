"""E-mail jobs: thin, take ids, idempotent."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_task

from querela.complaints import hooks
from querela.core import tenancy
from querela.core.periodic import periodic_job
from querela.tenants.models import Tenant

from .outbound import CLAIM_SECONDS, outbound_send
from .polling import poll_all_mailboxes
from .registration import inbound_failed, inbound_process

log = logging.getLogger(__name__)


def _tenant(tenant_id: int) -> Tenant | None:
    return Tenant.objects.filter(pk=tenant_id).first()


@db_task(retries=3, retry_delay=60, name="querela.process_inbound")
def process_inbound_task(tenant_id: int, inbound_id: int) -> None:
    tenant = _tenant(tenant_id)
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        try:
            inbound_process(inbound_id=inbound_id)
        except Exception as exc:
            log.exception("processing inbound mail %s failed", inbound_id)
            if inbound_failed(inbound_id=inbound_id, reason=f"{type(exc).__name__}: {exc}"):
                return  # quarantined: the raw mail stays, a person sees why
            raise


@db_task(retries=5, retry_delay=120, name="querela.send_outbound_email")
def send_outbound_email_task(tenant_id: int, outbound_id: int) -> None:
    tenant = _tenant(tenant_id)
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        outbound_send(outbound_id=outbound_id)


@periodic_job(crontab(minute="*"), name="querela.intake_sweep", every=timedelta(minutes=1))
def intake_sweep() -> None:
    """Pick up what a crash left behind: stored-but-unprocessed mail, unsent mail."""
    from querela.core import clock

    from .models import InboundMessage, InboundStatus, OutboundEmail, OutboundStatus

    # What the hooks enqueued a moment ago is not stale yet: only what has waited this long is taken again.
    cutoff = clock.now() - timedelta(seconds=int(settings.QUERELA["SWEEP_GRACE_SECONDS"]))
    with tenancy.dangerously_all_tenants():
        pending = list(
            InboundMessage.objects.filter(status=InboundStatus.PENDING, received_at__lt=cutoff).values_list(
                "tenant_id", "pk"
            )[:200]
        )
        from django.db.models import Q

        stale_claim = clock.now() - timedelta(seconds=CLAIM_SECONDS)
        unsent = list(
            OutboundEmail.objects.filter(
                Q(status__in=[OutboundStatus.QUEUED, OutboundStatus.FAILED])
                | Q(status=OutboundStatus.SENDING, claimed_at__lt=stale_claim),
                created_at__lt=cutoff,
            ).values_list("tenant_id", "pk")[:200]
        )
    for tenant_id, pk in pending:
        process_inbound_task(tenant_id, pk)
    for tenant_id, pk in unsent:
        send_outbound_email_task(tenant_id, pk)


@periodic_job(crontab(minute="*"), name="querela.poll_imap_mailboxes", every=timedelta(minutes=1))
def poll_imap_mailboxes() -> None:
    poll_all_mailboxes()


# The writers announce after commit; these jobs answer (so inbound/outbound never import this module).
@hooks.on("inbound:stored")
def _on_stored(tenant_id: int, inbound_id: int) -> None:
    process_inbound_task(tenant_id, inbound_id)


@hooks.on("outbound:queued")
def _on_queued(tenant_id: int, outbound_id: int) -> None:
    send_outbound_email_task(tenant_id, outbound_id)
