"""Background jobs of routing: thin, take ids, idempotent."""

from __future__ import annotations

from django.db import transaction
from huey.contrib.djhuey import db_task

from querela.complaints import hooks
from querela.complaints.models import Complaint
from querela.complaints.timeline import lock_complaint
from querela.core import tenancy
from querela.tenants.access import system_actor
from querela.tenants.models import Tenant

from .services import route_complaint


@db_task(retries=3, retry_delay=30, name="querela.routing_assign")
def routing_assign_task(tenant_id: int, complaint_id: int) -> None:
    """Hand a complaint just registered to its rule's pool. The rules are read again: a complaint settled,
    assigned or reclassified meanwhile is left as it is."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenancy.tenant_scope(tenant), transaction.atomic():
        if not Complaint.objects.filter(pk=complaint_id).exists():
            return
        complaint = lock_complaint(complaint_id)
        route_complaint(complaint, system_actor(tenant), reclassified=False, assign=True)


@hooks.on("routing:assign")
def _on_assign(tenant_id: int, complaint_id: int) -> None:
    routing_assign_task(tenant_id, complaint_id)
