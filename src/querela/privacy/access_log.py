"""The personal-data access log for the data-protection officer: who saw or changed which person's data,
when. It is read from the audit log (the events are written there by every view and change of personal
data, `audit_personal_data` and the services), narrowed to those events and, for one customer, to the
events about them: their record, their complaints, their calls, the searches that listed them.

Paged by id like the audit log (never OFFSET); the CSV is streamed chunk by chunk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.models import AuditEvent
from querela.audit.selectors import AuditFilters, AuditPage, AuditRow, FiltersInAddress, audit_events, csv_cells
from querela.audit.services import audit_personal_data
from querela.audit.vocabulary import names_for, role_name
from querela.audit.wording import describe
from querela.calls.models import Call
from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.core.replica import streamed_from_replica
from querela.customers.models import Customer
from querela.tenants.access import Actor, require

PAGE = 100
CHUNK = 500
# Bounds the customer filter's lists: a customer with more complaints or calls than this is an outlier,
# and the log still finds the events kept under their customer id.
MOST_OBJECTS = 5000

# Events that show or change a person's data.
_PREFIXES = ("personal_data.", "customer.", "place.", "meter.", "representative.", "account.", "privacy.")
_ACTIONS = ("complaint.update", "call.identified", "minutes.create", "minutes.update", "minutes.sign")


@dataclass(frozen=True)
class AccessFilters(FiltersInAddress):
    customer: str = ""  # the customer id as on the bill (exact, any case)
    person: str = ""  # the member of staff: a user id, or part of a name / user name
    since: date | None = None
    until: date | None = None


def _about_customer(number: str) -> Q:
    """Events about one customer: kept under their customer id, or about their complaints and calls, or a
    search that listed them (`shown` holds the ids listed)."""
    q = Q(object_type="customer", object_id=number) | Q(changes__customer=number)
    q |= Q(changes__shown__icontains=f'"{number}"')
    customer = Customer.objects.filter(customer_number=number).first()
    if customer is not None:
        refs = list(Complaint.objects.filter(customer=customer).values_list("reference", flat=True)[:MOST_OBJECTS])
        calls = list(Call.objects.filter(customer=customer).values_list("recording_id", flat=True)[:MOST_OBJECTS])
        if refs:
            q |= Q(object_type="complaint", object_id__in=refs) | Q(changes__complaint__in=refs)
        if calls:
            q |= Q(object_type="call", object_id__in=calls) | Q(changes__call__in=calls)
        q |= Q(object_type="subject_export", changes__customer=number)
    return q


def _customer_number(text: str) -> str:
    """The customer id as stored (the officer may type it in another case)."""
    found = Customer.objects.filter(customer_number__iexact=text).values_list("customer_number", flat=True).first()
    return found or text


def access_events(filters: AccessFilters) -> QuerySet[AuditEvent]:
    """The events of the tenant in scope that show or change personal data, narrowed by the filters,
    newest first."""
    qs = audit_events(AuditFilters(person=filters.person, since=filters.since, until=filters.until))
    kinds = Q(action__in=_ACTIONS)
    for prefix in _PREFIXES:
        kinds |= Q(action__startswith=prefix)
    qs = qs.filter(kinds)
    if filters.customer:
        qs = qs.filter(_about_customer(_customer_number(filters.customer.strip())))
    return qs


def _rows(events: list[AuditEvent]) -> list[AuditRow]:
    names = names_for(events, zone=clock.tenant_zone(tenancy.current_tenant()))
    return [
        AuditRow(
            event=e, at=names.local(e.at), who=names.actor(e), role=role_name(e.actor_role), line=describe(e, names)
        )
        for e in events
    ]


def access_page(*, actor: Actor, filters: AccessFilters, before_id: int | None = None, size: int = PAGE) -> AuditPage:
    """One page of the log, continuing below `before_id` (reading it is not audited, like the audit log
    page; taking the CSV is)."""
    require(actor, "privacy.manage")
    qs = access_events(filters)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    events = list(qs[: size + 1])
    more = len(events) > size
    events = events[:size]
    return AuditPage(rows=_rows(events), older=events[-1].pk if more else None)


def _csv_lines(*, tenant: Any, filters: AccessFilters, language: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    with translation.override(language):
        writer.writerow(
            [
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
    yield "\ufeff" + flush()
    before: int | None = None
    while True:
        with tenancy.tenant_scope(tenant), translation.override(language):
            qs = access_events(filters)
            if before is not None:
                qs = qs.filter(id__lt=before)
            events = list(qs[:CHUNK])
            if not events:
                return
            for row in _rows(events):
                writer.writerow(csv_cells(row))
        before = events[-1].pk
        yield flush()
        if len(events) < CHUNK:
            return


def access_csv(*, tenant: Any, filters: AccessFilters, language: str) -> Iterator[str]:
    """The whole filtered log as CSV lines (no audit: the export of a subject's data calls this)."""
    return _csv_lines(tenant=tenant, filters=filters, language=language)


def access_export(*, actor: Actor, filters: AccessFilters, language: str) -> Iterator[str]:
    """The officer's CSV download: taking it is audited with its filters."""
    require(actor, "privacy.manage")
    audit_personal_data(
        actor=actor, what="export", object_type="access_log", object_id=filters.customer, **filters.as_changes()
    )
    return streamed_from_replica(access_csv(tenant=tenancy.current_tenant(), filters=filters, language=language))
