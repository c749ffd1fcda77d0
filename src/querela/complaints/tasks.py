"""Background jobs: thin, take ids, idempotent. The work is in the services they call."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_task

from querela.core import tenancy
from querela.core.periodic import periodic_job
from querela.tenants.models import Tenant

from . import hooks
from .deadline_sweep import deadline_sweep
from .models import Complaint
from .notifications import notification_deliver, notify_assignee


@db_task(retries=5, retry_delay=30, name="querela.notify_assignee")
def notify_assignee_task(tenant_id: int, complaint_id: int) -> None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        complaint = Complaint.objects.select_related("assignee", "tenant").filter(pk=complaint_id).first()
        if complaint is None:
            return
        notification = notify_assignee(complaint=complaint)
        if notification is not None:
            notification_deliver(notification_id=notification.pk)


@db_task(retries=5, retry_delay=60, name="querela.deliver_notification")
def deliver_notification_task(tenant_id: int, notification_id: int) -> None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant):
        notification_deliver(notification_id=notification_id)


@periodic_job(crontab(minute="*/10"), name="querela.retry_unsent_notifications", every=timedelta(minutes=10))
def retry_unsent_notifications() -> None:
    from querela.complaints.models import Notification

    with tenancy.dangerously_all_tenants():
        pending = list(Notification.objects.filter(sent_at__isnull=True).values_list("tenant_id", "pk")[:500])
    for tenant_id, pk in pending:
        deliver_notification_task(tenant_id, pk)


@hooks.on("transition:assign")
def _on_assign(tenant_id: int, complaint_id: int) -> None:
    notify_assignee_task(tenant_id, complaint_id)


@periodic_job(crontab(minute="*/15"), name="querela.deadline_sweep", every=timedelta(minutes=15))
def deadline_sweep_task() -> None:
    """Reminders, breaches, deemed acceptances: idempotent, so overlapping runs are harmless."""
    deadline_sweep()


@hooks.on("notification:created")
def _on_notification(tenant_id: int, notification_id: int) -> None:
    deliver_notification_task(tenant_id, notification_id)
