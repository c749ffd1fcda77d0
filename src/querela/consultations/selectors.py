"""Reads of consultations: a complaint's, with its progress (seed 003), and the overdue ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from querela.complaints.models import Complaint
from querela.complaints.progress import Operation, State
from querela.core import clock, tenancy

from .models import Consultation, ConsultationStatus


@dataclass(frozen=True)
class ConsultationRow:
    consultation: Consultation
    overdue: bool


@dataclass(frozen=True)
class Progress:
    """A complaint's consultations: each, and how many are answered, open, overdue (cancelled ones don't count)."""

    rows: list[ConsultationRow]
    answered: int
    open: int
    overdue: int

    @property
    def counted(self) -> int:
        return self.answered + self.open


def _is_overdue(c: Consultation, today: date) -> bool:
    return c.status == ConsultationStatus.OPEN and c.due_on < today


def consultations_of(complaint: Complaint) -> Progress:
    """One query whatever the number of consultations."""
    today = clock.tenant_today(tenancy.current_tenant())
    items = list(
        Consultation.objects.filter(complaint_id=complaint.pk).select_related("department", "assignee", "answered_by")
    )
    rows = [ConsultationRow(c, _is_overdue(c, today)) for c in items]
    return Progress(
        rows=rows,
        answered=sum(1 for c in items if c.status == ConsultationStatus.ANSWERED),
        open=sum(1 for c in items if c.status == ConsultationStatus.OPEN),
        overdue=sum(1 for r in rows if r.overdue),
    )


def overdue_consultations() -> QuerySet[Consultation]:
    """Open consultations past their due date in the active tenant, the longest overdue first."""
    today = clock.tenant_today(tenancy.current_tenant())
    return (
        Consultation.objects.filter(status=ConsultationStatus.OPEN, due_on__lt=today)
        .select_related("complaint", "department", "assignee")
        .order_by("due_on", "pk")
    )


def consultation_operations(progress: Progress) -> list[Operation]:
    """The consultations as operations of the case (seed 003's progress view)."""
    state: dict[str, State] = {
        ConsultationStatus.ANSWERED: "done",
        ConsultationStatus.OPEN: "pending",
        ConsultationStatus.CANCELLED: "cancelled",
    }
    tenant = tenancy.current_tenant()
    operations = []
    for row in progress.rows:
        c = row.consultation
        asked_of = c.department.name if c.department else c.party_name
        operations.append(
            Operation(
                _("Opinion of %(whom)s") % {"whom": asked_of},
                "overdue" if row.overdue else state.get(c.status, "pending"),
                due=c.due_on,
                done_on=clock.tenant_date(tenant, c.answered_at) if c.answered_at else None,
                anchor=f"consultation-{c.pk}",
            )
        )
    return operations


def overdue_among(complaint_ids: list[int]) -> set[int]:
    """Which of these complaints (a worklist page) wait on an opinion past its due date: one query."""
    if not complaint_ids:
        return set()
    today = clock.tenant_today(tenancy.current_tenant())
    return set(
        Consultation.objects.filter(
            complaint_id__in=complaint_ids, status=ConsultationStatus.OPEN, due_on__lt=today
        ).values_list("complaint_id", flat=True)
    )
