"""Helpers every complaint service shares: lock a complaint for a write, add a timeline entry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from querela.core.errors import NotFound
from querela.tenants.access import Actor

from . import hooks
from .models import Complaint, EntryType, TimelineEntry
from .references import is_provisional
from .workflow import SYSTEM


def add_entry(
    complaint: Complaint, actor: Actor, entry_type: str, body: str = "", channel: str = "", **data: Any
) -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        complaint=complaint,
        entry_type=entry_type,
        channel=channel,
        author_id=actor.user_id,
        author_label=actor.label,
        body=body,
        data=data,
    )
    if entry_type == EntryType.OUTBOUND:
        hooks.outbound_entry_created(entry)
    elif entry_type == EntryType.INBOUND and not is_provisional(complaint.reference):
        # What the customer wrote later is searchable too (a registration writes it with its number).
        from .search import search_refresh

        search_refresh(complaint)
    return entry


def lock_complaint(complaint_id: int) -> Complaint:
    try:
        # The tenant and customer come along (letters, language, policy); only the complaint row is locked.
        return (
            Complaint.objects.select_for_update(of=("self",)).select_related("tenant", "customer").get(pk=complaint_id)
        )
    except Complaint.DoesNotExist as exc:
        raise NotFound(_("Complaint not found.")) from exc


def is_system(actor: Actor) -> bool:
    """The background worker or an intake channel, not a person."""
    return actor.role == SYSTEM


def as_system(actor: Actor) -> Actor:
    """The same person's request, carried on by Querela (e.g. the automatic step after a registration)."""
    return Actor(user=actor.user, tenant=actor.tenant, role=SYSTEM, ip=actor.ip)
