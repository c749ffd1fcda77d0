"""What the law still keeps, and from which day it may go.

A complaint is kept while it is open, whatever its age. Once it is answered, closed or redirected its
periods count from the day it was last written on (its newest timeline entry): a customer writing again
after the answer, or a letter posted later, moves that day on, which only ever keeps things longer.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import DateTimeField, F, Max, QuerySet
from django.db.models.functions import Coalesce

from querela.complaints.models import Complaint
from querela.complaints.workflow import FINISHED_STATUSES
from querela.core import clock, tenancy

from .periods import months_after, months_before


def day_start(day: date) -> datetime:
    """The first moment of a day of the supplier's calendar, as stored times compare with it."""
    return datetime.combine(day, time.min, tzinfo=clock.tenant_zone(tenancy.current_tenant()))


def cutoff(today: date, months: int) -> datetime:
    """What was last written on before this moment is past a period of `months`, counted back from `today`."""
    return day_start(months_before(today, months))


def with_closing() -> QuerySet[Complaint]:
    """Finished complaints, each with `closed_at`: the moment of its newest timeline entry."""
    return Complaint.objects.filter(status__in=FINISHED_STATUSES).annotate(
        closed_at=Coalesce(Max("timeline__created_at"), F("updated_at"), output_field=DateTimeField())
    )


def finished_before(moment: datetime) -> QuerySet[Complaint]:
    """Finished complaints last written on before `moment`. A complaint received after it can't be one, so
    the (tenant, received_at) index narrows the search first."""
    return with_closing().filter(received_at__lt=moment, closed_at__lt=moment)  # type: ignore[misc]


def erasable_from(closed_at: datetime | None, months: int) -> date | None:
    """The first day a finished complaint's record may go (the first `today` whose `cutoff` is past it);
    None for an open one (kept while open)."""
    if closed_at is None:
        return None
    day = clock.tenant_date(tenancy.current_tenant(), closed_at)
    return months_after(day, months) + timedelta(days=1)
