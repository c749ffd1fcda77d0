"""The case file (issue 13): one screen built for work. It gathers what the selectors of each app say
about a complaint — the fields, who and where, each deadline with its countdown, the progress of every
required operation, the timeline with previews of the attachments, and the steps the person may take
now (with, for the others, why not). Nothing is decided here; every read is bounded (see the query
count test), since handlers open dozens of these an hour."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from querela.calls.selectors import call_of_recording
from querela.complaints.case_actions import case_actions
from querela.complaints.deadline_selectors import deadline_actions, deadline_overview
from querela.complaints.deadline_texts import consumer_due_sentence
from querela.complaints.models import Complaint, EntryType
from querela.complaints.progress import progress_of
from querela.complaints.sector_texts import is_identified
from querela.complaints.selectors import (
    attachment_open,
    complaint_for_write,
    enclosures_by_entry,
    given_facts,
    timeline_for,
)
from querela.complaints.services import handlers_of_tenant
from querela.complaints.workflow import Decision
from querela.consultations.selectors import consultation_operations
from querela.core import clock
from querela.documents.letters import PAPER_CHANNELS
from querela.documents.pictures import PICTURED_TYPES, preview_png
from querela.instructions.checklists import checklist_operations
from querela.minutes.selectors import may_take_minutes, minutes_of_complaint
from querela.portal.selectors import recording_copy
from querela.printing.selectors import stored_letter_entries
from querela.remedies.selectors import remedies_for
from querela.tenants.access import Actor, can

from ...decorators import tenant_page
from ...forms import ClassifyForm, DeadlineForm, IdentifyForm, MessageForm, NoteForm
from .checklist import checklist_card
from .consultations import ask_form, consultations_card
from .edit_rules import DETAIL_FIELDS, lock_details_form
from .supervision import extension_request_card


def _deadline_form(complaint: Complaint) -> DeadlineForm | None:
    actions, reasons = deadline_actions(complaint)
    return DeadlineForm(None, actions=actions, reasons=reasons, auto_id="deadline_%s") if actions else None


def _countdown(complaint: Complaint) -> dict[str, Any] | None:
    """The answer's due date as a person counts it: days left, today, or days late (tenant's calendar)."""
    if complaint.is_finished or complaint.answer_due is None:
        return None
    days = (complaint.answer_due - clock.tenant_today(complaint.tenant)).days
    return {"due": complaint.answer_due, "days": days, "late": -days, "state": _urgency(days)}


def _urgency(days: int) -> str:
    if days < 0:
        return "overdue"
    return "soon" if days <= 3 else "ok"


def case_file_context(actor: Actor, complaint: Complaint) -> dict[str, Any]:
    timeline = timeline_for(actor=actor, complaint=complaint)
    actions = case_actions(actor, complaint)
    available = [a.transition for a in actions if a.available]
    consultations = consultations_card(actor, complaint)
    checklist = checklist_card(actor, complaint, {f.pk: f.filename for e in timeline for f in e.files.all()})
    deciding = any(t.decides for t in available)
    identified = is_identified(complaint)
    countdown = _countdown(complaint)
    internal = can(actor, "complaint.view_internal")
    # Each read below is skipped when the page would show nothing from it: a handler opens dozens of
    # these an hour, and every statement costs (issue 13: the case file within 40 ms at 1M complaints).
    mailed = internal and any(e.entry_type == EntryType.INBOUND and "inbound_id" in e.data for e in timeline)
    oral = may_take_minutes(complaint)
    return {
        "c": complaint,
        "given": given_facts(complaint),
        "identified": identified,
        "not_identified": not identified,
        "countdown": countdown,
        "recording": recording_copy(complaint) if complaint.call_recording else None,
        "call": call_of_recording(complaint.call_recording),
        "timeline": timeline,
        # Every letter kept as a PDF on the case (issue 13): the timeline entries that have one.
        "stored_letters": stored_letter_entries(complaint),
        "enclosed": enclosures_by_entry(timeline),
        "pictured_types": PICTURED_TYPES,
        "deadlines": deadline_overview(complaint) if internal else None,
        "due_sentence": consumer_due_sentence(complaint) if countdown is None and not complaint.is_finished else "",
        "may_change_deadlines": can(actor, "complaint.deadlines", complaint) and not complaint.is_finished,
        "transitions": available,
        "unavailable": [a for a in actions if not a.available],
        "progress": progress_of(
            complaint,
            timeline,
            [
                *(consultation_operations(consultations["consultations"]) if consultations["consultations"] else ()),
                *checklist_operations(checklist["checklist"]),
            ],
        ),
        # What a partly upheld or rejected answer will name, shown next to the decision.
        "remedies": remedies_for(complaint) if deciding else None,
        "decisions": Decision.choices,
        "handlers": handlers_of_tenant() if any(t.assigns for t in available) else [],
        "note_form": NoteForm() if can(actor, "complaint.add_note") else None,
        "message_form": MessageForm() if can(actor, "complaint.message", complaint) else None,
        "may_edit": can(actor, "complaint.edit"),
        "paper_channels": sorted(PAPER_CHANNELS),
        # The mails it came in, linked; their raw bytes (up to the intake's cap) are not read for this.
        "original_mails": list(complaint.inbound_messages.only("pk", "received_at").order_by("received_at"))
        if mailed
        else [],
        # Minutes of an oral complaint (seed 004): every version, and a link to take them.
        "minutes_rows": minutes_of_complaint(complaint=complaint) if oral and can(actor, "minutes.take") else [],
        "may_take_minutes": oral and can(actor, "minutes.take"),
        **consultations,
        **checklist,
        # A four-eyes extension waiting for (or decided by) a supervisor.
        **(extension_request_card(actor, complaint) if complaint.tenant.extension_needs_approval else {}),
    }


@dataclass(frozen=True)
class CaseForm:
    """A form the case file keeps folded until it is opened (read then, by HTMX or as a page of its own
    without JavaScript): rendering a form's widgets is most of a page's cost, and most visits use none."""

    title: Any
    button: Any
    action: str  # the URL name it posts to (which goes back to the case)
    may: Callable[[Actor, Complaint], bool]
    build: Callable[[Complaint], forms.Form | None]


def _classify_form(c: Complaint) -> forms.Form:
    return ClassifyForm(initial={name: getattr(c, name) for name in DETAIL_FIELDS}, auto_id="classify_%s")


CASE_FORMS = {
    "classify": CaseForm(
        gettext_lazy("Correct the details"),
        gettext_lazy("Save"),
        "web:complaint_classify",
        lambda a, c: can(a, "complaint.edit"),
        _classify_form,
    ),
    "identify": CaseForm(
        gettext_lazy("Identify the customer"),
        gettext_lazy("Link"),
        "web:complaint_identify",
        lambda a, c: can(a, "complaint.edit"),
        lambda c: IdentifyForm(auto_id="identify_%s"),
    ),
    "deadline": CaseForm(
        gettext_lazy("Extend or change a deadline"),
        gettext_lazy("Apply"),
        "web:complaint_deadline",
        lambda a, c: can(a, "complaint.deadlines", c),
        _deadline_form,
    ),
    "consult": CaseForm(
        gettext_lazy("Ask a department or an outside party"),
        gettext_lazy("Ask"),
        "web:consultation_ask",
        lambda a, c: can(a, "consultation.manage"),
        lambda c: ask_form(),
    ),
}


@tenant_page("complaint.view")
def case_form(request: HttpRequest, tenant: str, reference: str, name: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    spec = CASE_FORMS.get(name)
    if spec is None:
        raise Http404
    form = spec.build(complaint) if spec.may(actor, complaint) else None
    if form is None:
        raise Http404
    if name == "classify":
        lock_details_form(form, actor, complaint)  # what this person may not change now, and why (issue 14)
    return case_form_page(request, complaint, name, form)


def case_form_page(
    request: HttpRequest, complaint: Complaint, name: str, form: forms.Form, *, status: int = 200
) -> HttpResponse:
    """A case form as a page of its own, or the form alone for HTMX; a refused POST shows it again, with
    the reason beside the field and the input kept."""
    spec = CASE_FORMS[name]
    context = {
        "c": complaint,
        "form": form,
        "title": spec.title,
        "button": spec.button,
        "action": reverse(spec.action, kwargs={"tenant": complaint.tenant.code, "reference": complaint.reference}),
        # The details form shows the customer's own words, which nobody may change.
        "original": complaint.description if name == "classify" else "",
    }
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "staff/_case_form.html" if partial else "staff/case_form.html", context, status=status)


@tenant_page("complaint.view")
def attachment_preview(request: HttpRequest, tenant: str, reference: str, attachment_id: int) -> HttpResponse:
    """A picture of an attachment's first page, drawn here (never the customer's file shown inline)."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    attachment = attachment_open(actor=actor, complaint=complaint, attachment_id=attachment_id, preview=True)
    if attachment.content_type not in PICTURED_TYPES:
        return HttpResponse(status=404)
    with attachment.file.open("rb") as f:
        png = preview_png(f, attachment.content_type)
    return HttpResponse(png, content_type="image/png")
