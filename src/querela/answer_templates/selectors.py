"""Reading answer templates: which ones a complaint's answer is offered, and their text filled in."""

from __future__ import annotations

from django.utils import formats, translation

from querela.complaints.language import complaint_language
from querela.complaints.models import Complaint
from querela.complaints.workflow import Decision
from querela.core import clock

from .models import AnswerTemplate
from .placeholders import render


def answer_templates() -> list[AnswerTemplate]:
    """Every template of the current tenant, for its administrator."""
    return list(AnswerTemplate.objects.order_by("language", "name", "pk"))


def answer_template_open(template_id: int) -> AnswerTemplate | None:
    return AnswerTemplate.objects.filter(pk=template_id).first()


def _specificity(t: AnswerTemplate) -> tuple[int, bool, bool, bool]:
    # More stated conditions first; between equals, a decision says more than a category, a category
    # more than a kind.
    return (bool(t.decision) + bool(t.category) + bool(t.kind), bool(t.decision), bool(t.category), bool(t.kind))


def templates_for(complaint: Complaint, decision: str = "") -> list[AnswerTemplate]:
    """The active templates in the complaint's language whose kind, category and decision are the
    complaint's (or blank: any), the most specific first. No decision given yet: any decision's."""
    qs = AnswerTemplate.objects.filter(
        language=complaint_language(complaint),
        is_active=True,
        kind__in=["", complaint.kind],
        category__in=["", complaint.category],
    )
    if decision:
        qs = qs.filter(decision__in=["", decision])
    found = list(qs.order_by("name", "pk"))
    found.sort(key=_specificity, reverse=True)  # stable: by name within the same specificity
    return found


def template_for(complaint: Complaint, decision: str) -> AnswerTemplate | None:
    """The most specific template for this complaint and decision, if any."""
    found = templates_for(complaint, decision)
    return found[0] if found else None


def placeholder_values(complaint: Complaint, decision: str) -> dict[str, str]:
    """What each placeholder stands for in this complaint, written in its language."""
    customer = complaint.customer
    with translation.override(complaint_language(complaint)):
        received = clock.tenant_date(complaint.tenant, complaint.received_at)
        return {
            "customer_name": (customer.name if customer else "") or complaint.contact_name,
            "reference": complaint.reference,
            "received_on": formats.date_format(received, "SHORT_DATE_FORMAT"),
            "place_address": str(complaint.place) if complaint.place else complaint.place_address,
            "subject": complaint.subject,
            "answer_due": formats.date_format(complaint.answer_due, "SHORT_DATE_FORMAT")
            if complaint.answer_due
            else "",
            "decision": str(Decision(decision).label) if decision in Decision.values else "",
        }


def answer_template_text(complaint: Complaint, template_id: int, decision: str) -> str | None:
    """The template's text with this complaint's facts filled in; None when it is no active template
    of this supplier."""
    template = AnswerTemplate.objects.filter(pk=template_id, is_active=True).first()
    if template is None:
        return None
    return render(template.body, placeholder_values(complaint, decision))
