from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from querela.calls.services import recording_copy_send
from querela.complaints.deadline_selectors import deadline_actions
from querela.complaints.deadline_texts import consumer_due_sentence
from querela.complaints.models import Category, EntryType, Kind
from querela.complaints.selectors import (
    attachment_open,
    complaint_for_write,
    complaint_list,
    complaint_open,
    enclosures_by_entry,
    letter_open,
    timeline_for,
)
from querela.complaints.services import (
    complaint_add_message,
    complaint_add_note,
    complaint_identify,
    complaint_reclassify,
    complaint_request_recording,
    complaints_assign,
    handlers_of_tenant,
)
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import TRANSITIONS_BY_NAME, Status
from querela.complaints.worklist import VIEWS as WORKLIST_VIEWS
from querela.complaints.worklist import view_arguments, worklist_page
from querela.consultations.selectors import overdue_among
from querela.core.channels import Channel
from querela.core.errors import PermissionDenied, QuerelaError, ValidationFailed
from querela.core.numbers import plain_number
from querela.documents.letters import PAPER_CHANNELS, letter_pdf
from querela.documents.receipts import receipt_pdf
from querela.instructions.checklists import checklist_counts
from querela.portal.selectors import recording_copy, stage_for
from querela.printing.selectors import stored_letter_of
from querela.supervision.services import deadline_step
from querela.tenants.access import Actor, can
from querela.tenants.models import Department, Membership
from querela.tenants.roles import Role

from ..decorators import tenant_page
from ..feedback import refuse_on_form, submit
from ..forms import ClassifyForm, DeadlineForm, IdentifyForm, MessageForm, NoteForm, TransitionForm
from .staff.case_file import case_file_context, case_form_page
from .staff.edit_rules import details_data
from .uploads import uploads_from


@tenant_page("complaint.list")
def complaint_index(request: HttpRequest, tenant: str) -> HttpResponse:
    """The worklist: a ready-made view (mine, team, unassigned…) and filters, kept in the address;
    sorted by due date unless asked otherwise; 50 rows a page, the next page by keyset."""
    actor = request.actor  # type: ignore[attr-defined]
    g = request.GET
    view = g.get("view", "") if g.get("view", "") in WORKLIST_VIEWS else ""
    order = "received" if g.get("order") == "received" else "due"
    team = (
        Membership.objects.filter(pk=actor.membership_id).values_list("department_id", flat=True).first()
        if view == "team"
        else None
    )
    args = view_arguments(view, user_id=actor.user_id, department_id=team)
    for name in ("channel", "kind", "category"):
        if g.get(name):
            args[name] = g[name]
    if g.get("status"):
        args["status"] = g["status"]
    if g.get("deadline") in ("overdue", "due_soon"):
        args["deadline"] = g["deadline"]
    for name, field in (("assignee", "assignee_id"), ("department", "department_id")):
        if (number := _small_id(g.get(name, ""))) is not None:
            args[field] = number
    days = (("from", "received_from"), ("to", "received_to"), ("due_from", "due_from"), ("due_to", "due_to"))
    for name, field in days:
        if day := _day(g.get(name, "")):
            args[field] = day
    # The team dashboard's links: every open complaint, answered late (issue 13).
    if g.get("open") == "1":
        args["only_open"] = True
    if g.get("late") == "1":
        args["late"] = True
    qs = complaint_list(actor=actor, query=g.get("q", ""), order=order, **args)
    page = worklist_page(qs, order=order, after=g.get("after", ""), replica=bool(g.get("q", "").strip()))
    # A filter change swaps only the rows; a history restore (back button) needs the whole page.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "web/partials/worklist_body.html" if partial else "web/complaint_list.html"
    return render(
        request,
        template,
        {
            "complaints": page.rows,
            "next_cursor": page.next_cursor,
            "views": [(v, label) for v, label in VIEW_LABELS.items()],
            "view": view,
            "statuses": Status.choices,
            "status": g.get("status", ""),
            "deadline": g.get("deadline", ""),
            "order": order,
            "channels": Channel.choices,
            "kinds": Kind.choices,
            "categories": Category.choices,
            "handlers": handlers_of_tenant(),
            "departments": Department.objects.order_by("name"),
            "chosen": g,
            "may_assign": can(actor, "complaint.transition.assign"),
            "bulk": can(actor, "complaint.assign_others"),
            # Complaints on the page waiting on an opinion past its due date (issue 13): flagged in their row.
            "opinion_overdue": overdue_among([c.pk for c in page.rows])
            if can(actor, "complaint.view_internal")
            else set(),
            # How far each complaint's checklist has come (issue 14): "checklist 2/5" in its row.
            "checklist_progress": _checklist_progress(actor, page.rows),
        },
    )


def _checklist_progress(actor: Actor, rows: Sequence[Any]) -> dict[int, str]:
    """One query: "done/counted" per complaint on the page that has a checklist."""
    if not rows or not can(actor, "complaint.view_internal"):
        return {}
    return {pk: f"{done}/{total}" for pk, (done, total) in checklist_counts([c.pk for c in rows]).items() if total}


VIEW_LABELS = {
    "": gettext_lazy("All"),
    "mine": gettext_lazy("Mine"),
    "team": gettext_lazy("My team"),
    "unassigned": gettext_lazy("Unassigned"),
    "awaiting": gettext_lazy("Awaiting the customer"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "deemed": gettext_lazy("Deemed accepted"),
    "escalated": gettext_lazy("Escalated"),
}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@tenant_page("complaint.view")
def complaint_detail(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_open(actor=actor, reference=reference)
    if actor.role == Role.CONSUMER:
        return _consumer_complaint(request, actor, complaint)
    return render(request, "web/complaint_detail.html", case_file_context(actor, complaint))


def _consumer_complaint(request: HttpRequest, actor: Any, complaint: Any) -> HttpResponse:
    """The complainant's own view: their words, our messages and letters, what comes next — no staff wording."""
    stage, expected = stage_for(complaint)
    dispute = ""
    if complaint.status == Status.ANSWERED and can(actor, "complaint.transition.escalate", complaint):
        dispute = "escalate"
    elif complaint.status == Status.CLOSED and can(actor, "complaint.transition.reopen", complaint):
        dispute = "reopen"
    entries = [
        e
        for e in timeline_for(actor=actor, complaint=complaint)
        if e.entry_type in (EntryType.INBOUND, EntryType.OUTBOUND)
    ]
    return render(
        request,
        "consumer/complaint.html",
        {
            "c": complaint,
            "stage": stage,
            "expected": expected,
            "due_sentence": consumer_due_sentence(complaint),
            "entries": entries,
            "enclosed": enclosures_by_entry(entries),
            "dispute": dispute,
            "recording": recording_copy(complaint) if complaint.call_recording else None,
            "message_form": MessageForm() if can(actor, "complaint.message", complaint) else None,
            "paper_channels": sorted(PAPER_CHANNELS),
        },
    )


@require_POST
@tenant_page("complaint.message")
def consumer_recording(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_open(actor=actor, reference=reference)
    try:
        complaint_request_recording(actor=actor, complaint_id=complaint.pk)
    except QuerelaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("We have received your request; the copy is free of charge."))
    return redirect("web:complaint_detail", tenant=tenant, reference=reference)


@require_POST
@tenant_page("complaint.message")
def recording_send(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """The office sends the customer the copy of their call recording they asked for (seed 004: free)."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    form = MessageForm(request.POST, request.FILES)
    submit(
        request,
        form,
        lambda d: recording_copy_send(
            actor=actor, complaint_id=complaint.pk, text=d["text"], uploads=uploads_from(d["documents"])
        ),
        _("The recording was sent to the customer."),
    )
    return redirect("web:complaint_detail", tenant=tenant, reference=reference)


def _small_id(text: str) -> int | None:
    """An id from a query string, or None: "abc" and 10**30 are not ids of anything."""
    return plain_number(text, 12)


def _deadline_form(complaint: Any, data: Any = None) -> DeadlineForm | None:
    actions, reasons = deadline_actions(complaint)
    return DeadlineForm(data, actions=actions, reasons=reasons) if actions else None


def _back(tenant: str, reference: str) -> HttpResponse:
    return redirect("web:complaint_detail", tenant=tenant, reference=reference)


@require_POST
@tenant_page("complaint.view")
def complaint_do(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)

    def run(d: dict[str, Any]) -> Any:
        t = TRANSITIONS_BY_NAME.get(d["action"])
        if t is not None and t.decides:
            # An answer goes out only once the person has read it on the preview (answers.answer_compose).
            raise ValidationFailed(_("Preview the answer first, then send it from the preview."), code="preview")
        return complaint_transition(
            actor=actor,
            complaint_id=complaint.pk,
            action=d["action"],
            text=d["text"] or "",
            assignee_id=d["assignee"],
            decision=d["decision"] or "",
        )

    submit(request, TransitionForm(request.POST), run, _("Done."))
    return _back(tenant, reference)


@require_POST
@tenant_page("complaint.add_note")
def complaint_note(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    submit(request, NoteForm(request.POST), lambda d: complaint_add_note(actor=actor, complaint_id=complaint.pk, **d))
    return _back(tenant, reference)


@require_POST
@tenant_page("complaint.message")
def complaint_message(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)

    def run(d: dict[str, Any]) -> Any:
        return complaint_add_message(
            actor=actor, complaint_id=complaint.pk, text=d["text"] or "", uploads=uploads_from(d["documents"])
        )

    submit(request, MessageForm(request.POST, request.FILES), run, _("Your message was added."))
    return _back(tenant, reference)


@require_POST
@tenant_page("complaint.edit")
def complaint_classify(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """Correct the details. A refusal (a field the edit matrix locks for this person now, an original,
    a missing reason) shows the form again with the reason beside the field and the input kept."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    form = ClassifyForm(details_data(request.POST, complaint), auto_id="classify_%s")
    if form.is_valid():
        fields = dict(form.cleaned_data)
        if "description" in request.POST:  # never in the form: someone tries to change the customer's words
            fields["description"] = request.POST["description"]
        try:
            complaint_reclassify(actor=actor, complaint_id=complaint.pk, **fields)
        except QuerelaError as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.message)
            refused = isinstance(exc, PermissionDenied)
            return case_form_page(request, complaint, "classify", form, status=403 if refused else 400)
        messages.success(request, _("Saved."))
        return _back(tenant, reference)
    return case_form_page(request, complaint, "classify", form, status=400)


@require_POST
@tenant_page("complaint.edit")
def complaint_identify_view(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    form = IdentifyForm(request.POST, auto_id="identify_%s")
    if form.is_valid():
        try:
            linked = complaint_identify(actor=actor, complaint_id=complaint.pk, query=form.cleaned_data["query"])
        except QuerelaError as exc:
            refuse_on_form(form, exc)  # nobody here goes by it: said on the form, with what was typed
        else:
            messages.success(request, _("Linked to %(customer)s.") % {"customer": linked.customer})
            return _back(tenant, reference)
    return case_form_page(request, complaint, "identify", form, status=400)


@tenant_page("complaint.view")
def attachment_download(request: HttpRequest, tenant: str, reference: str, attachment_id: int) -> HttpResponseBase:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    attachment = attachment_open(actor=actor, complaint=complaint, attachment_id=attachment_id)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)
    response["Content-Type"] = "application/octet-stream"  # never render customer files inline
    return response


@tenant_page("complaint.view")
def letter_download(request: HttpRequest, tenant: str, reference: str, entry_id: int) -> HttpResponse:
    """The printable letter of one message sent by post (PDF)."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    entry = letter_open(actor=actor, complaint=complaint, entry_id=entry_id)
    stored = stored_letter_of(entry)  # kept when it was written (issue 13): any channel; else paper, made now
    if stored is not None:
        with stored.file.open("rb") as f:
            response = HttpResponse(f.read(), content_type="application/pdf")
    else:
        response = HttpResponse(letter_pdf(entry), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{complaint.reference}-{entry.pk}.pdf"'
    return response


@tenant_page("complaint.register")
def office_receipt(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """The stamped receipt a customer takes home for a complaint handed in at the office (PDF)."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_open(actor=actor, reference=reference)
    clerk = request.user.get_full_name() or request.user.get_username()  # type: ignore[union-attr]
    receipt = receipt_pdf(complaint.pk, received_by=clerk)
    if receipt is None:
        raise Http404
    response = HttpResponse(receipt.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.reference}-receipt.pdf"'
    return response


@require_POST
@tenant_page("complaint.deadlines")
def complaint_deadline(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    form = _deadline_form(complaint, request.POST)
    if form is None:
        messages.error(request, _("No deadline step can be taken on this complaint now."))
        return _back(tenant, reference)
    if form.is_valid():
        try:
            # Where the supplier wants four eyes, an extension becomes a request for a supervisor (issue 13).
            held = deadline_step(actor=actor, complaint_id=complaint.pk, **form.cleaned_data)
        except QuerelaError as exc:
            refuse_on_form(form, exc)
        else:
            requested = _("The extension was requested: a supervisor approves it, then the notice goes out.")
            messages.success(request, requested if held else _("Done."))
            return _back(tenant, reference)
    # Refused: the form again with the reason beside the field and the text to the customer kept.
    return case_form_page(request, complaint, "deadline", form, status=400)


@require_POST
@tenant_page("complaint.assign_others")
def complaints_bulk_assign(request: HttpRequest, tenant: str) -> HttpResponse:
    """The worklist's "assign the chosen to": back to the same list, with what moved and what did not."""
    actor = request.actor  # type: ignore[attr-defined]
    ids = [n for n in (_small_id(v) for v in request.POST.getlist("ids")) if n is not None]
    assignee = _small_id(request.POST.get("assignee", ""))
    if not ids or assignee is None:
        messages.error(request, _("Choose complaints and the handler to give them to."))
    else:
        try:
            done, refused = complaints_assign(actor=actor, complaint_ids=ids, assignee_id=assignee)
        except QuerelaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, ngettext("%(n)s complaint assigned.", "%(n)s complaints assigned.", done) % {"n": done}
            )
            for line in refused:
                messages.error(request, line)
    back = request.POST.get("back", "")
    query = back if back.startswith("?") and "\n" not in back and len(back) < 2000 else ""
    return redirect(reverse("web:complaint_index", kwargs={"tenant": tenant}) + query)
