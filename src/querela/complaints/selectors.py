"""Reads of complaints. Opening a case file is a view of personal data and is audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.core import clock, tenancy
from querela.core.errors import NotFound
from querela.tenants.access import Actor, can, require

from .models import GIVEN_FIELDS, Attachment, Complaint, DeadlineStep, EntryType, TimelineEntry
from .search import search_filter
from .workflow import OPEN_STATUSES

DEADLINE_FILTERS = ("overdue", "due_soon")


def today_for(actor: Actor) -> date:
    """Today in the tenant's time zone: the day due dates are compared with."""
    tenant = actor.tenant or tenancy.current_tenant()
    return clock.tenant_today(tenant)


def answered_late(zone: ZoneInfo) -> Exists:
    """The answer went out after its due date (the day it left, in the tenant's zone): a breach, whatever
    happened since. The dashboard counts with it and the worklist filters with it (`?late=1`)."""
    late = (
        DeadlineStep.objects.filter(
            complaint_id=OuterRef("pk"), step="answer", due_date__isnull=False, done_at__isnull=False
        )
        .annotate(done_on=TruncDate("done_at", tzinfo=zone))
        .filter(done_on__gt=F("due_date"))
    )
    return Exists(late)


def complaint_list(
    *,
    actor: Actor,
    status: str | None = None,
    assignee_id: int | None = None,
    only_open: bool = False,
    query: str = "",
    deadline: str | None = None,
    order: str = "received",
    channel: str = "",
    kind: str = "",
    department_id: int | None = None,
    category: str = "",
    statuses: tuple[str, ...] = (),
    unassigned: bool = False,
    deemed_accepted: bool = False,
    received_from: date | None = None,
    received_to: date | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    late: bool = False,
) -> QuerySet[Complaint]:
    """Complaints the actor may list (`next_due`, kept on each: the earliest due date of a step not yet done).

    `deadline`: "overdue" (a step's due date has passed) or "due_soon" (inside the tenant's reminder
    window); `order`: "received" (newest first) or "due" (most urgent first). `due_from`/`due_to`: open
    complaints whose next step is due in those days; `late`: answered after the answer's due date.
    """
    if can(actor, "complaint.list"):
        qs = Complaint.objects.all()
    elif can(actor, "complaint.register"):
        # A call-center agent: what they registered (the console shows an identified caller's own).
        qs = Complaint.objects.filter(created_by_id=actor.user_id)
    else:
        require(actor, "complaint.view")  # a consumer: their own complaints only
        qs = Complaint.objects.filter(customer__user_id=actor.user_id)
    if status:
        qs = qs.filter(status=status)
    if only_open or deadline in DEADLINE_FILTERS or due_from or due_to:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if channel:
        qs = qs.filter(channel=channel)
    if kind:
        qs = qs.filter(kind=kind)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if category:
        qs = qs.filter(category=category)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    if deemed_accepted:
        qs = qs.filter(deemed_accepted=True)
    if received_from or received_to:
        # Days as the tenant counts them: from its midnight to its next.
        zone = clock.tenant_zone(actor.tenant or tenancy.current_tenant())
        if received_from:
            qs = qs.filter(received_at__gte=datetime.combine(received_from, time.min, zone))
        if received_to:
            qs = qs.filter(received_at__lt=datetime.combine(received_to + timedelta(days=1), time.min, zone))
    if due_from:
        qs = qs.filter(next_due__gte=due_from)
    if due_to:
        qs = qs.filter(next_due__lte=due_to)
    if late:
        qs = qs.filter(answered_late(clock.tenant_zone(actor.tenant or tenancy.current_tenant())))
    if query.strip():
        qs = search_filter(qs, query)
    if deadline in DEADLINE_FILTERS:
        today = today_for(actor)
        if deadline == "overdue":
            qs = qs.filter(next_due__lt=today)
        else:
            qs = qs.filter(next_remind__lte=today, next_due__gte=today)
    qs = qs.select_related("customer", "assignee", "department")
    if order == "due":
        return qs.order_by(F("next_due").asc(nulls_last=True), "id")
    return qs.order_by("-received_at", "-id")


def complaint_open(*, actor: Actor, reference: str) -> Complaint:
    """Fetch a case file for display: checks the permission and audits the view of personal data."""
    complaint = (
        Complaint.objects.select_related("customer", "place", "assignee", "department")
        .filter(reference=reference.upper())
        .first()
    )
    if complaint is None or not can(actor, "complaint.view", complaint):
        # The same answer for "not there" and "not yours", so references can't be probed.
        raise NotFound(_("Complaint not found."))
    _share_tenant(complaint)
    audit_personal_data(actor=actor, what="view", object_type="complaint", object_id=complaint.reference)
    return complaint


def _share_tenant(complaint: Complaint) -> None:
    """The request already holds the tenant: the complaint's dates and texts read it from there instead
    of asking the database again."""
    tenant = tenancy.current_tenant_or_none()
    if tenant is not None and tenant.pk == complaint.tenant_id:
        complaint.tenant = tenant


def complaint_for_write(*, actor: Actor, reference: str) -> Complaint:
    """Resolve a reference for a write; the service does its own permission check on the locked row."""
    complaint = Complaint.objects.filter(reference=reference.upper()).select_related("customer").first()
    if complaint is None:
        raise NotFound(_("Complaint not found."))
    if not can(actor, "complaint.view", complaint):
        raise NotFound(_("Complaint not found."))
    return complaint


def timeline_for(*, actor: Actor, complaint: Complaint) -> list[TimelineEntry]:
    entries = complaint.timeline.select_related("author").prefetch_related("files")
    if not can(actor, "complaint.view_internal"):
        # Internal notes and status bookkeeping are for staff.
        entries = entries.filter(entry_type__in=["inbound", "outbound", "attachment"])
    return list(entries)


def attachment_open(*, actor: Actor, complaint: Complaint, attachment_id: int, preview: bool = False) -> Attachment:
    """A file of a complaint the actor may see; opening it (or its preview) is a view of personal data
    and is audited."""
    attachment = Attachment.objects.filter(pk=attachment_id, complaint_id=complaint.pk).first()
    if attachment is None or not can(actor, "complaint.view", complaint):
        raise NotFound(_("File not found."))
    audit_personal_data(
        actor=actor,
        what="preview" if preview else "download",
        object_type="attachment",
        object_id=attachment.pk,
        complaint=complaint.reference,
        file=attachment.filename,
    )
    return attachment


def letter_open(*, actor: Actor, complaint: Complaint, entry_id: int) -> TimelineEntry:
    """An outbound message to print as a letter; the letter carries personal data, so it is audited."""
    entry = (
        TimelineEntry.objects.filter(pk=entry_id, complaint_id=complaint.pk)
        .select_related("complaint__customer", "complaint__place", "complaint__representative", "complaint__tenant")
        .first()
    )
    if entry is None or not can(actor, "complaint.view", complaint):
        raise NotFound(_("Letter not found."))
    audit_personal_data(
        actor=actor, what="letter", object_type="complaint", object_id=complaint.reference, entry=entry.pk
    )
    return entry


def given_facts(complaint: Complaint) -> list[tuple[str, str]]:
    """The form's own facts that were filled in, each with its label (seed 000, seed 002)."""
    return [
        (str(getattr(Complaint._meta.get_field(name), "verbose_name", name)), value)
        for name in GIVEN_FIELDS
        if (value := getattr(complaint, name))
    ]


def enclosures_by_entry(entries: Sequence[TimelineEntry]) -> dict[int, list[Attachment]]:
    """The case's documents each letter enclosed (`data["enclosures"]`), read in one query for a timeline."""
    wanted = {
        e.pk: [int(pk) for pk in e.data.get("enclosures", []) if str(pk).isdigit()]
        for e in entries
        if e.entry_type == EntryType.OUTBOUND and e.data.get("enclosures")
    }
    if not wanted:
        return {}
    ids = {pk for pks in wanted.values() for pk in pks}
    found = {a.pk: a for a in Attachment.objects.filter(complaint_id=entries[0].complaint_id, pk__in=ids)}
    return {entry: [found[pk] for pk in pks if pk in found] for entry, pks in wanted.items()}
