"""Writing and reading audit events. Callers are services, inside their own transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from querela.core import clock, tenancy
from querela.core.replica import streamed_from_replica

from . import chain
from .models import AuditEvent
from .selectors import AuditFilters, audit_csv

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
    """Write one event in the caller's transaction, with its content MAC and no lock.

    `actor` is an access.Actor. Inside `audit_batch()` the event is inserted with the batch's others
    when the batch ends; otherwise at once. The sealing job gives it its place in the chain later
    (audit/sealing.py), so writers and readers of personal data never queue behind one another.
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
        batch.append(event)  # its MAC is computed when the batch is written (see audit_batch_rename)
    else:
        event.content_mac = chain.content_mac(event)
        AuditEvent.objects.bulk_create([event])
    return event


def audit_batch_rename(*, object_type: str, old_id: str, new_id: str) -> None:
    """A registration takes its reference number last (so the counter's lock lives only until commit);
    the events it recorded under the provisional id are written under the real one."""
    for event in _BATCH.get() or []:
        if event.object_type == object_type and event.object_id == old_id:
            event.object_id = new_id


@contextmanager
def audit_batch() -> Iterator[None]:
    """Around one service call that writes several events (a registration: the complaint, its first
    transition, the acknowledgement): one INSERT for all of them when it ends. Must run inside the
    caller's transaction; nested batches join the outermost."""
    if _BATCH.get() is not None:
        yield
        return
    token = _BATCH.set([])
    try:
        yield
        events = _BATCH.get() or []
    finally:
        _BATCH.reset(token)
    if events:
        for event in events:
            event.content_mac = chain.content_mac(event)
        AuditEvent.objects.bulk_create(events)


def audit_personal_data(*, actor: Any, what: str, object_type: str, object_id: object, **changes: Any) -> AuditEvent:
    """Seeing personal data is audited like changing it: `what` is view, search, download, letter
    or export (of the audit log itself)."""
    return audit_record(
        actor=actor,
        action=f"personal_data.{what}",
        object_type=object_type,
        object_id=object_id,
        changes=changes or None,
    )


def audit_export(*, actor: Any, filters: AuditFilters, language: str) -> Iterator[str]:
    """The filtered log as CSV lines, to stream; taking the export is itself audited, with its filters."""
    audit_personal_data(actor=actor, what="export", object_type="audit_log", object_id="", **filters.as_changes())
    # The lines are read as they are sent: from the replica when there is one (reports and exports may lag).
    return streamed_from_replica(audit_csv(tenant=tenancy.current_tenant(), filters=filters, language=language))
