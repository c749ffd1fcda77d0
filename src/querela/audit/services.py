"""Writing and verifying the audit chain. Callers are services, inside their own transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from querela.core import clock, tenancy

from .models import AuditChainHead, AuditEvent


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "tenant": event.tenant_id,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "actor_role": event.actor_role,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
    }


# Events of one service call, appended together when it ends (still inside its transaction).
_BATCH: ContextVar[list[AuditEvent] | None] = ContextVar("querela_audit_batch", default=None)


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: object,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the active tenant's chain, in the caller's transaction.

    `actor` is an access.Actor. Inside `audit_batch()` the event is appended with the batch's others
    when the batch ends; otherwise at once. Either way the chain head row is updated first, which takes
    its write lock: concurrent appends queue and the sequence stays gapless.
    """
    tenant = tenancy.current_tenant()
    event = AuditEvent(
        tenant_id=tenant.pk,
        at=clock.now(),
        actor_id=getattr(actor, "user_id", None),
        actor_label=str(getattr(actor, "label", "system"))[:150],
        actor_role=str(getattr(actor, "role", "system")),
        ip=str(getattr(actor, "ip", ""))[:64],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder)),
    )
    batch = _BATCH.get()
    if batch is not None:
        batch.append(event)
    else:
        _append([event])
    return event


@contextmanager
def audit_batch() -> Iterator[None]:
    """Around one service call that writes several events (a registration: the complaint, its first
    transition, the acknowledgement): they are chained in order with three statements in all. Must run
    inside the caller's transaction; nested batches join the outermost."""
    if _BATCH.get() is not None:
        yield
        return
    token = _BATCH.set([])
    try:
        yield
        events = _BATCH.get() or []
    finally:
        _BATCH.reset(token)
    _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Chain events onto their tenant's head: one UPDATE … RETURNING, one INSERT, one UPDATE."""
    by_tenant: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_tenant.setdefault(event.tenant_id, []).append(event)
    with transaction.atomic(savepoint=False):
        for tenant_id, group in by_tenant.items():
            last_seq, prev_hash = _advance_head(tenant_id, len(group))
            for offset, event in enumerate(group):
                event.seq = last_seq - len(group) + 1 + offset
                event.prev_hash = prev_hash
                event.hash = _digest(_payload(event))
                prev_hash = event.hash
            AuditEvent.objects.bulk_create(group)
            AuditChainHead.objects.filter(tenant_id=tenant_id).update(last_hash=prev_hash)


def _advance_head(tenant_id: int, count: int) -> tuple[int, str]:
    """Take `count` sequence numbers (the last one is returned) and the previous hash in one statement;
    the UPDATE holds the head row's write lock until commit, so concurrent appends queue and the
    sequence stays gapless."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    sql = f"UPDATE {table} SET seq = seq + %s WHERE tenant_id = %s RETURNING seq, last_hash"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, tenant_id])
        row = cursor.fetchone()
        if row is None:  # the tenant's first event: create the head (a concurrent first event may win)
            with transaction.atomic():
                AuditChainHead.objects.get_or_create(tenant_id=tenant_id)
            cursor.execute(sql, [count, tenant_id])
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


@dataclass(frozen=True)
class VerifyResult:
    tenant_code: str
    checked: int
    broken_seq: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_personal_data(*, actor: Any, what: str, object_type: str, object_id: object, **changes: Any) -> AuditEvent:
    """Seeing personal data is audited like changing it: `what` is view, search, download or letter."""
    return audit_record(
        actor=actor,
        action=f"personal_data.{what}",
        object_type=object_type,
        object_id=object_id,
        changes=changes or None,
    )


def _events(tenant_id: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(tenant_id=tenant_id).order_by("seq").iterator(chunk_size=2000)


def audit_verify(*, tenant: Any) -> VerifyResult:
    """Walk the chain; report the first event whose hash, link or sequence does not hold."""
    prev = "0" * 64
    expected_seq = 1
    checked = 0
    with tenancy.tenant_scope(tenant):
        for event in _events(tenant.pk):
            if event.seq != expected_seq:
                return VerifyResult(tenant.code, checked, expected_seq, f"event {expected_seq} is missing")
            if event.prev_hash != prev:
                return VerifyResult(tenant.code, checked, event.seq, "link to the previous event is broken")
            if _digest(_payload(event)) != event.hash:
                return VerifyResult(tenant.code, checked, event.seq, "contents do not match the recorded hash")
            prev = event.hash
            expected_seq += 1
            checked += 1
        head = AuditChainHead.objects.filter(tenant_id=tenant.pk).first()
        if head is not None and (head.seq != checked or head.last_hash != prev):
            return VerifyResult(tenant.code, checked, checked + 1, "the newest events were removed")
    return VerifyResult(tenant.code, checked, None, "")


AUDIT_PAGE = 100


def audit_page(*, before_seq: int | None = None, action: str = "", object_id: str = "") -> list[AuditEvent]:
    """The newest events of the active tenant's chain, one page at a time, optionally narrowed."""
    qs = AuditEvent.objects.filter(tenant=tenancy.current_tenant()).order_by("-seq")
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return list(qs[:AUDIT_PAGE])


def readable_changes(changes: Any) -> list[tuple[str, str]]:
    """`{"status": ["received", "registered"]}` as ("status", "received → registered") rows for people."""
    if not isinstance(changes, dict):
        return [("", str(changes))] if changes else []
    rows = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            before, after = ("—" if v is None else v for v in value)
            rows.append((str(key), f"{before} → {after}"))
        else:
            rows.append((str(key), "—" if value is None else str(value)))
    return rows
