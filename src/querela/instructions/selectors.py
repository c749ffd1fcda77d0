"""Reading work instructions: the library, one version with its history, the instruction a complaint's
case follows, and the facts a justifying document is filled with."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import formats, translation

from querela.complaints.language import complaint_language
from querela.complaints.models import Complaint
from querela.core import clock, tenancy

from .models import DocumentTemplate, WorkInstruction


def instructions_current(*, category: str = "", language: str = "") -> list[WorkInstruction]:
    """The current version of every instruction, by code, with `step_count` and `document_count`: one query."""
    qs = WorkInstruction.objects.filter(is_current=True)
    if category:
        qs = qs.filter(category=category)
    if language:
        qs = qs.filter(language=language)
    return list(
        qs.annotate(
            step_count=Count("steps", distinct=True), document_count=Count("documents", distinct=True)
        ).order_by("code", "language")
    )


def instructions_with_steps(*, category: str = "", language: str = "") -> list[WorkInstruction]:
    """The current versions with their steps and documents (the API's list): three queries."""
    qs = WorkInstruction.objects.filter(is_current=True)
    if category:
        qs = qs.filter(category=category)
    if language:
        qs = qs.filter(language=language)
    return list(qs.order_by("code", "language").prefetch_related("steps", "documents"))


def instruction_open(instruction_id: int) -> WorkInstruction | None:
    """One version, any (the earlier ones stay readable), with its steps and documents."""
    return (
        WorkInstruction.objects.filter(pk=instruction_id)
        .select_related("created_by")
        .prefetch_related("steps", "documents")
        .first()
    )


def instruction_current_of(instruction: WorkInstruction) -> WorkInstruction | None:
    """The current version of the instruction an (earlier) version belongs to."""
    return WorkInstruction.objects.filter(code=instruction.code, language=instruction.language, is_current=True).first()


def instruction_versions(instruction: WorkInstruction) -> list[WorkInstruction]:
    """Every version of the instruction in its language, the newest first."""
    return list(
        WorkInstruction.objects.filter(code=instruction.code, language=instruction.language)
        .select_related("created_by")
        .order_by("-version")
    )


def instruction_languages(instruction: WorkInstruction) -> list[WorkInstruction]:
    """The current version of the same instruction in its other languages."""
    return list(
        WorkInstruction.objects.filter(code=instruction.code, is_current=True)
        .exclude(language=instruction.language)
        .order_by("language")
    )


def document_open(instruction_id: int, document_id: int) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(pk=document_id, instruction_id=instruction_id).first()


def instruction_for(
    *, category: str, language: str, channel: str = "", service_type: str = "", segment: str = ""
) -> WorkInstruction | None:
    """The current instruction a case of this category follows, in the language asked (else the supplier's).

    A condition the instruction states (channel, service, segment) rules it out only when the case's value is
    known and differs. Among the rest: the most conditions confirmed by the case, then the fewest left
    unconfirmed (an instruction for electricity is not picked over a general one for a case of unknown
    service), then the lowest code."""
    tenant = tenancy.current_tenant()
    qs = WorkInstruction.objects.filter(
        Q(language=language) | Q(language=tenant.default_language), is_current=True, category=category
    )
    case = {"channel": channel, "service_type": service_type, "segment": segment}
    for field, value in case.items():
        if value:
            qs = qs.filter(**{f"{field}__in": ["", value]})

    def rank(i: WorkInstruction) -> tuple[bool, int, int, str]:
        confirmed = sum(1 for f, v in case.items() if v and getattr(i, f) == v)
        unconfirmed = sum(1 for f, v in case.items() if not v and getattr(i, f))
        return (i.language != language, -confirmed, unconfirmed, i.code)

    found = sorted(qs, key=rank)
    return found[0] if found else None


def document_values(complaint: Complaint, *, staff_name: str = "") -> dict[str, str]:
    """What each document placeholder stands for in this complaint, written in its language."""
    customer, place = complaint.customer, complaint.place
    meter = ""
    if place is not None:
        meters = [m for m in place.meters.all() if m.in_service] or list(place.meters.all())
        meter = meters[0].serial if meters else ""
    with translation.override(complaint_language(complaint)):
        received = clock.tenant_date(complaint.tenant, complaint.received_at)
        return {
            "supplier_name": complaint.tenant.name,
            "customer_name": (customer.name if customer else "") or complaint.contact_name,
            "customer_number": customer.customer_number if customer else complaint.given_customer_number,
            "reference": complaint.reference,
            "received_on": formats.date_format(received, "SHORT_DATE_FORMAT"),
            "place_address": str(place) if place else complaint.place_address,
            "meter_serial": meter or complaint.serial_number,
            "subject": complaint.subject,
            "answer_due": formats.date_format(complaint.answer_due, "SHORT_DATE_FORMAT")
            if complaint.answer_due
            else "",
            "staff_name": staff_name
            or (
                (complaint.assignee.get_full_name() or complaint.assignee.username)
                if complaint.assignee_id and complaint.assignee
                else ""
            ),
            "today": formats.date_format(clock.tenant_today(complaint.tenant), "SHORT_DATE_FORMAT"),
        }
