"""Reads for supervisors: the team dashboard's figures, extension requests, quality review results.

The dashboard costs a fixed number of statements whatever the backlog (grouped counts, never a count per
state, bucket or handler). Each figure comes with the worklist filters that list exactly what it counts
(`Figure.query`), so the number on the dashboard and the rows behind its link agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Max, Min, Q, QuerySet

from querela.complaints.models import Complaint
from querela.complaints.selectors import answered_late
from querela.complaints.services import handlers_of_tenant
from querela.complaints.workflow import OPEN_ORDER, OPEN_STATUSES, Status
from querela.consultations.models import Consultation
from querela.consultations.selectors import overdue_consultations
from querela.core import clock, tenancy
from querela.core.replica import on_replica
from querela.tenants.access import Actor, require

from .models import ExtensionRequest, QualityCheckItem, QualityReview, QualitySample, RequestState

# Age since receipt, in the tenant's calendar days: (key, first day, last day or None).
AGE_BUCKETS: list[tuple[str, int, int | None]] = [("0-7", 0, 7), ("8-15", 8, 15), ("16-30", 16, 30), ("31+", 31, None)]
# "Answered late" looks at complaints received in this many days (as the home page's statistics do).
LATE_WINDOW_DAYS = 30
CONSULTATIONS_SHOWN = 50


def query(**params: Any) -> str:
    """Worklist filters as a query string ("?status=assigned&from=2026-11-27")."""
    return "?" + urlencode({k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()})


@dataclass(frozen=True)
class Figure:
    n: int
    query: str  # the worklist filters listing what is counted


@dataclass(frozen=True)
class BacklogRow:
    status: str
    label: str
    cells: list[Figure]  # one per age bucket
    total: Figure


@dataclass(frozen=True)
class HandlerLoad:
    user: Any
    open: Figure
    overdue: Figure


@dataclass
class Dashboard:
    today: date
    week_end: date
    buckets: list[str]
    backlog: list[BacklogRow]
    bucket_totals: list[Figure]
    open_total: Figure
    due_this_week: Figure
    open_overdue: Figure
    answered_late: Figure
    late_since: date
    deemed_accepted: Figure
    unassigned: Figure
    load: list[HandlerLoad]
    consultations_overdue: int
    consultations: list[Consultation]
    pending_requests: list[ExtensionRequest] = field(default_factory=list)


def _start(day: date, zone: Any) -> datetime:
    return datetime.combine(day, time.min, zone)


def _bucket_filters(today: date, zone: Any) -> list[tuple[Q, dict[str, date]]]:
    """Each age bucket as a filter on `received_at` and as the worklist's received from/to days."""
    out = []
    for _key, first, last in AGE_BUCKETS:
        newest = today - timedelta(days=first)  # received on this day or before…
        cond = Q(received_at__lt=_start(newest + timedelta(days=1), zone))
        params: dict[str, date] = {"to": newest}
        if last is not None:
            oldest = today - timedelta(days=last)  # …and on this day or after
            cond &= Q(received_at__gte=_start(oldest, zone))
            params = {"from": oldest, "to": newest}
        out.append((cond, params))
    return out


@on_replica
def team_dashboard(*, actor: Actor) -> Dashboard:
    """Everything on the supervisor's team dashboard, in six statements (seven when more consultations are
    overdue than shown, or someone no longer a handler still holds complaints)."""
    require(actor, "supervision.dashboard")
    tenant = tenancy.current_tenant()
    zone = clock.tenant_zone(tenant)
    today = clock.tenant_today(tenant)
    week_end = today + timedelta(days=6 - today.weekday())  # Sunday
    late_since = today - timedelta(days=LATE_WINDOW_DAYS - 1)
    buckets = _bucket_filters(today, zone)
    open_q = Q(status__in=OPEN_STATUSES)

    # 1. Open complaints by state × age bucket: one grouped count.
    by_status = {
        row["status"]: row
        for row in Complaint.objects.filter(open_q)
        .order_by()
        .values("status")
        .annotate(**{f"b{i}": Count("pk", filter=cond) for i, (cond, _p) in enumerate(buckets)})
    }
    backlog = []
    for status in OPEN_ORDER:
        row = by_status.get(status.value, {})
        cells = [Figure(int(row.get(f"b{i}", 0)), query(status=status.value, **p)) for i, (_c, p) in enumerate(buckets)]
        backlog.append(
            BacklogRow(
                status.value, str(status.label), cells, Figure(sum(c.n for c in cells), query(status=status.value))
            )
        )
    bucket_totals = [
        Figure(sum(r.cells[i].n for r in backlog), query(open=1, **p)) for i, (_c, p) in enumerate(buckets)
    ]

    # 2. The single figures: one aggregate.
    totals = Complaint.objects.aggregate(
        due_week=Count("pk", filter=open_q & Q(next_due__gte=today, next_due__lte=week_end)),
        overdue=Count("pk", filter=open_q & Q(next_due__lt=today)),
        late=Count("pk", filter=Q(answered_late(zone), received_at__gte=_start(late_since, zone))),
        deemed=Count("pk", filter=Q(deemed_accepted=True)),
        unassigned=Count("pk", filter=Q(status=Status.REGISTERED, assignee__isnull=True)),
    )

    # 3. Load per handler: open complaints assigned, and how many of them are overdue; 4. the handlers.
    loads = {
        row["assignee_id"]: row
        for row in Complaint.objects.filter(open_q, assignee__isnull=False)
        .order_by()
        .values("assignee_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(next_due__lt=today)))
    }
    people = {u.pk: u for u in handlers_of_tenant()}
    missing = set(loads) - set(people)  # e.g. someone whose role was removed, still holding complaints
    if missing:
        people.update({u.pk: u for u in get_user_model().objects.filter(pk__in=missing)})
    load = [
        HandlerLoad(
            user,
            Figure(int(loads.get(pk, {}).get("n", 0)), query(assignee=pk, open=1)),
            Figure(int(loads.get(pk, {}).get("overdue", 0)), query(assignee=pk, deadline="overdue")),
        )
        for pk, user in people.items()
    ]
    load.sort(key=lambda h: (-h.open.n, h.user.get_full_name() or h.user.get_username()))

    # 5. Overdue consultations (the count only when there are more than shown), 6. pending extension requests.
    consultations = list(overdue_consultations()[:CONSULTATIONS_SHOWN])
    consultations_overdue = (
        overdue_consultations().count() if len(consultations) == CONSULTATIONS_SHOWN else len(consultations)
    )
    return Dashboard(
        today=today,
        week_end=week_end,
        buckets=[key for key, _f, _l in AGE_BUCKETS],
        backlog=backlog,
        bucket_totals=bucket_totals,
        open_total=Figure(sum(f.n for f in bucket_totals), query(open=1)),
        due_this_week=Figure(totals["due_week"], query(due_from=today, due_to=week_end)),
        open_overdue=Figure(totals["overdue"], query(deadline="overdue")),
        answered_late=Figure(totals["late"], query(late=1, **{"from": late_since})),
        late_since=late_since,
        deemed_accepted=Figure(totals["deemed"], query(view="deemed")),
        unassigned=Figure(totals["unassigned"], query(view="unassigned")),
        load=load,
        consultations_overdue=consultations_overdue,
        consultations=consultations,
        pending_requests=list(pending_extension_requests()),
    )


# ---------------------------------------------------------------------------------------------------
# Extension requests


def pending_extension_requests() -> QuerySet[ExtensionRequest]:
    """Requests waiting for a supervisor, oldest first, with their complaint and requester."""
    return (
        ExtensionRequest.objects.filter(state=RequestState.PENDING)
        .select_related("complaint", "requested_by")
        .order_by("requested_at", "pk")
    )


def latest_extension_request(complaint: Complaint) -> ExtensionRequest | None:
    """The complaint's newest request (a pending one is always the newest: one at a time), in one query."""
    return (
        ExtensionRequest.objects.filter(complaint_id=complaint.pk)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
        .first()
    )


def too_late(request: ExtensionRequest, today: date) -> bool:
    """The notice had to reach the customer by the answer's due date: once it has passed, the request can
    only be refused."""
    due = request.complaint.answer_due
    return request.state == RequestState.PENDING and due is not None and due < today


# ---------------------------------------------------------------------------------------------------
# Quality review


def checklist_items(*, active_only: bool = True) -> list[QualityCheckItem]:
    qs = QualityCheckItem.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("position", "pk"))


def samples() -> QuerySet[QualitySample]:
    """Samples, newest first, each with how many of its complaints are reviewed."""
    return (
        QualitySample.objects.select_related("handler", "drawn_by")
        .annotate(n=Count("reviews"), reviewed=Count("reviews", filter=Q(reviews__reviewed_at__isnull=False)))
        .order_by("-drawn_at", "-pk")
    )


@dataclass(frozen=True)
class HandlerQuality:
    user: Any
    reviewed: int
    average: float | None
    lowest: int | None
    highest: int | None


def results_per_handler(*, since: date | None = None, until: date | None = None) -> list[HandlerQuality]:
    """Reviews done (in the tenant's days `since`–`until`, reviewed date) per handler: one grouped query
    and one for the people."""
    tenant = tenancy.current_tenant()
    zone = clock.tenant_zone(tenant)
    qs = QualityReview.objects.filter(reviewed_at__isnull=False)
    if since:
        qs = qs.filter(reviewed_at__gte=_start(since, zone))
    if until:
        qs = qs.filter(reviewed_at__lt=_start(until + timedelta(days=1), zone))
    rows = list(
        qs.order_by()
        .values("handler_id")
        .annotate(n=Count("pk"), avg=Avg("score"), low=Min("score"), high=Max("score"))
    )
    ids = [r["handler_id"] for r in rows if r["handler_id"] is not None]
    people = get_user_model().objects.in_bulk(ids) if ids else {}
    out = [
        HandlerQuality(
            people.get(r["handler_id"]),
            int(r["n"]),
            round(float(r["avg"]), 1) if r["avg"] is not None else None,
            r["low"],
            r["high"],
        )
        for r in rows
    ]
    out.sort(key=lambda h: (h.user is None, (h.user.get_username() if h.user else "")))
    return out
