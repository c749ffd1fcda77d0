"""How the supplier answered lately: the figures a supervisor (and the regulator's yearly report)
asks for. A complaint settled during the call or the visit is answered, on time, on the day it came
(seeds 001, 004) — never open, never late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from querela.core import clock, tenancy
from querela.core.replica import on_replica
from querela.tenants.access import Actor, require

from .models import Complaint, DeadlineStep, Kind
from .workflow import FINISHED_STATUSES


@dataclass(frozen=True)
class AnswerStatistics:
    days: int
    received: int
    complaints: int  # of which complaints proper (not information requests, fault reports…)
    on_the_spot: int
    in_writing_on_time: int
    in_writing_late: int
    open_overdue: int
    open_in_time: int
    by_channel: list[tuple[str, int]]


@on_replica
def answer_statistics(*, actor: Actor, days: int = 30) -> AnswerStatistics:
    """Complaints received in the last `days` days (the tenant's days), in five statements."""
    require(actor, "complaint.list")
    tenant = tenancy.current_tenant()
    zone = clock.tenant_zone(tenant)
    today = clock.tenant_today(tenant)
    since = datetime.combine(today - timedelta(days=days - 1), time.min, zone)
    received = Complaint.objects.filter(received_at__gte=since)
    totals = received.aggregate(
        received=Count("pk"),
        complaints=Count("pk", filter=Q(kind=Kind.COMPLAINT)),
        on_the_spot=Count("pk", filter=Q(resolved_on_spot=True)),
    )
    steps = DeadlineStep.objects.filter(step="answer", complaint__received_at__gte=since)
    written = steps.filter(done_at__isnull=False, complaint__resolved_on_spot=False)
    # The due date is a day in the tenant's calendar: the day the answer left, there (`__date` reads
    # the zone in force, set to the tenant's here).
    with timezone.override(zone):
        late_filter = Q(due_date__isnull=False, done_at__date__gt=F("due_date"))
        answered = written.aggregate(all=Count("pk"), late=Count("pk", filter=late_filter))
    open_steps = steps.filter(done_at__isnull=True).exclude(complaint__status__in=FINISHED_STATUSES)
    overdue = open_steps.filter(due_date__lt=today).count()
    open_total = open_steps.count()
    by_channel = list(received.order_by().values_list("channel").annotate(n=Count("pk")).order_by("-n", "channel"))
    return AnswerStatistics(
        days=days,
        received=totals["received"],
        complaints=totals["complaints"],
        on_the_spot=totals["on_the_spot"],
        in_writing_on_time=answered["all"] - answered["late"],
        in_writing_late=answered["late"],
        open_overdue=overdue,
        open_in_time=open_total - overdue,
        by_channel=[(str(c), int(n)) for c, n in by_channel],
    )
