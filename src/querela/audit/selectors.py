"""Reading the audit log: filtered, newest first, a page at a time by id (keyset), or all of it as CSV.

Every page costs the same number of SQL statements whatever it shows: the events, then one query per
kind of thing they name (`wording.names_for`). Times are shown and filtered in the tenant's time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import translation
from django.utils.translation import gettext as _

from querela.core import clock, tenancy
from querela.core.numbers import plain_number

from .models import AuditEvent
from .vocabulary import Names, names_for, role_name
from .wording import ACTION_GROUPS, WORDING, Line, describe

AUDIT_PAGE = 100
EXPORT_CHUNK = 500


class FiltersInAddress:
    """Filters (a dataclass) kept in a page's address and in the audit row of an export."""

    def query(self, **extra: Any) -> str:
        """The filters as a query string, for links that keep them (the next page, the CSV)."""
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v}  # type: ignore[call-overload]
        values.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(values)

    def as_changes(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v}  # type: ignore[call-overload]


@dataclass(frozen=True)
class AuditFilters(FiltersInAddress):
    """What a reader narrows the log to; every field is kept in the page's address."""

    action: str = ""  # an action kind (ACTION_GROUPS) or one action code
    person: str = ""  # a user id, or part of a name / username as recorded
    object: str = ""  # a reference, customer id, recording id, … (exact)
    since: date | None = None  # days in the tenant's time zone, both included
    until: date | None = None


def is_action_filter(value: str) -> bool:
    return value in ACTION_GROUPS or value in WORDING


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    at: datetime  # in the tenant's time zone
    who: str
    role: str
    line: Line


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    older: int | None  # the id to continue from (`before`), None on the last page


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The active tenant's events that pass the filters, newest first (sealed or not)."""
    tenant = tenancy.current_tenant()
    qs = AuditEvent.objects.filter(tenant=tenant).order_by("-id")
    if filters.action in ACTION_GROUPS:
        prefixes = ACTION_GROUPS[filters.action][1]
        q = Q()
        for prefix in prefixes:
            q |= Q(action__startswith=prefix)
        qs = qs.filter(q)
    elif filters.action:
        qs = qs.filter(action=filters.action)
    if filters.person:
        qs = qs.filter(_person(filters.person))
    if filters.object:
        o = filters.object
        # The thing itself, or an event about it kept under another object (minutes of a complaint,
        # a record viewed during a call).
        qs = qs.filter(Q(object_id=o) | Q(changes__complaint=o) | Q(changes__customer=o) | Q(changes__call=o))
    zone = clock.tenant_zone(tenant)
    if filters.since:
        qs = qs.filter(at__gte=datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until:
        qs = qs.filter(at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone))
    return qs


def _person(text: str) -> Q:
    number = plain_number(text)
    if number is not None:
        return Q(actor_id=number)
    # A subquery, not a statement of its own: the people whose name or username it is, and the
    # label recorded with the event (automatic steps: "tracking link", "public site").
    people = (
        get_user_model()
        .objects.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(Q(username__iexact=text) | Q(full_name__icontains=text))
        .values("pk")
    )
    return Q(actor_id__in=people) | Q(actor_label__icontains=text)


def _rows(events: list[AuditEvent], names: Names) -> list[AuditRow]:
    return [
        AuditRow(
            event=e, at=names.local(e.at), who=names.actor(e), role=role_name(e.actor_role), line=describe(e, names)
        )
        for e in events
    ]


def audit_page(*, filters: AuditFilters, before_id: int | None = None, size: int = AUDIT_PAGE) -> AuditPage:
    """One page of the filtered log, continuing below `before_id` (keyset on the id, never OFFSET)."""
    qs = audit_events(filters)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    events = list(qs[: size + 1])
    more = len(events) > size
    events = events[:size]
    names = names_for(events, zone=clock.tenant_zone(tenancy.current_tenant()))
    return AuditPage(rows=_rows(events, names), older=events[-1].pk if more else None)


CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A value a spreadsheet shows as text: a leading = + - @ would make it a formula (names are typed
    by the public)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_INJECTION) else text


def csv_cells(row: AuditRow) -> list[str]:
    """One event as the audit CSVs write it (the audit log's, the personal-data access log's): when, who,
    role, address, what happened, details, action, object, object id."""
    e = row.event
    details = "; ".join(f"{k}: {v}" if k else v for k, v in row.line.details)
    return [
        row.at.strftime("%Y-%m-%d %H:%M:%S"),
        _cell(row.who),
        _cell(row.role),
        _cell(e.ip),
        _cell(row.line.text),
        _cell(details),
        e.action,
        e.object_type,
        _cell(e.object_id),
    ]


def audit_csv(*, tenant: Any, filters: AuditFilters, language: str) -> Iterator[str]:
    """The whole filtered log as CSV lines, newest first, read in chunks by id: memory and time grow with
    the rows written, not with the log. Runs after the view returned (a streamed response), so it
    enters the tenant and the language itself, chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    zone = clock.tenant_zone(tenant)
    with translation.override(language):
        writer.writerow(
            [
                _("Seq."),
                _("When (%(zone)s)") % {"zone": tenant.time_zone},
                _("Who"),
                _("Role"),
                _("Address"),
                _("What happened"),
                _("Details"),
                _("Action code"),
                _("Object"),
                _("Object id"),
            ]
        )
    yield "\ufeff" + flush()  # a byte-order mark: spreadsheets then read the names as UTF-8
    before: int | None = None
    while True:
        with tenancy.tenant_scope(tenant), translation.override(language):
            qs = audit_events(filters)
            if before is not None:
                qs = qs.filter(id__lt=before)
            events = list(qs[:EXPORT_CHUNK])
            if not events:
                return
            names = names_for(events, zone=zone)
            for row in _rows(events, names):
                writer.writerow([_cell(row.event.seq), *csv_cells(row)])
        before = events[-1].pk
        yield flush()
        if len(events) < EXPORT_CHUNK:
            return
