"""The sealing job: gives each tenant's written events their place in the keyed chain, in batches.

Writers never wait for one another (they insert rows with a content MAC and no lock); only this job
takes the tenant's chain head lock. The order it records is the order the rows were written (their
ids); an event committed late simply joins the next batch. Until it is sealed an event is protected by
its own content MAC only: the tamper-evidence window is the sealing interval (one minute, see docs)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from querela.core import clock, tenancy

from . import chain
from .anchors import Anchor, anchor_write
from .models import AuditChainHead, AuditEvent, AuditSeal


def audit_seal(*, tenant: Any, limit: int = 5000) -> int:
    """Seal up to `limit` of the tenant's unsealed events; returns how many were sealed."""
    with tenancy.tenant_scope(tenant), transaction.atomic():
        AuditChainHead.objects.get_or_create(tenant_id=tenant.pk)
        head = AuditChainHead.objects.select_for_update().get(tenant_id=tenant.pk)
        rows = list(
            AuditEvent.objects.filter(tenant_id=tenant.pk, seq__isnull=True)
            .order_by("id")
            .values_list("id", "content_mac")[:limit]
        )
        if not rows:
            return 0
        seq, prev = head.seq, head.last_hash
        updates = []
        for event_id, content in rows:
            seq += 1
            link = chain.link_mac(tenant_id=tenant.pk, seq=seq, prev_hash=prev, content=content)
            updates.append((seq, prev, link, event_id))
            prev = link
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            # Only the place in the chain is written; the event's content is never touched.
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",  # noqa: S608
                updates,
            )
        first_seq = head.seq + 1
        AuditChainHead.objects.filter(tenant_id=tenant.pk).update(seq=seq, last_hash=prev)
        now = clock.now()
        AuditSeal.objects.create(
            tenant_id=tenant.pk, first_seq=first_seq, last_seq=seq, head_hash=prev, key_id=chain.key_id(), sealed_at=now
        )
        anchor = Anchor(tenant_id=tenant.pk, seq=seq, head_hash=prev, key_id=chain.key_id(), sealed_at=now.isoformat())
        transaction.on_commit(lambda: anchor_write(tenant_code=tenant.code, anchor=anchor))
    return len(rows)


def audit_seal_all(*, limit: int = 5000) -> dict[str, int]:
    """Seal every tenant's pending events, batch after batch; what each tenant had sealed."""
    with tenancy.dangerously_all_tenants():
        tenant_ids = sorted(set(AuditEvent.objects.filter(seq__isnull=True).values_list("tenant_id", flat=True)))
        # The tenant model through the relation: the audit app sits below the tenants app.
        tenant_model: Any = AuditEvent._meta.get_field("tenant").related_model
        tenants = list(tenant_model._default_manager.filter(pk__in=tenant_ids))
    sealed: dict[str, int] = {}
    for tenant in tenants:
        total = 0
        while (count := audit_seal(tenant=tenant, limit=limit)) > 0:
            total += count
        sealed[tenant.code] = total
    return sealed
