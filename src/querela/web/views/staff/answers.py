"""Writing an answer (issue 13): start from a template, then read the letter exactly as it will go out
and only then send it. The text composed here is `complaints.answers.answer_letter`, the same the answer
writes; the confirmation carries its digest, and the answer refuses to go out if the letter changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.answer_templates.selectors import answer_template_text, template_for, templates_for
from querela.complaints import answer_checks
from querela.complaints.answers import answer_enclosures, answer_letter, letter_digest
from querela.complaints.language import complaint_language
from querela.complaints.models import EntryType, TimelineEntry
from querela.complaints.selectors import complaint_for_write
from querela.complaints.services import complaint_attach
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import Decision
from querela.core import clock
from querela.core.channels import Channel
from querela.core.errors import QuerelaError
from querela.core.numbers import plain_number
from querela.documents.greetings import opens_with_greeting
from querela.documents.letters import PAPER_CHANNELS, outbound_letter
from querela.documents.pictures import PICTURED_TYPES
from querela.intake.outbound import render_mail
from querela.tenants.access import require

from ...decorators import tenant_page
from ...feedback import form_errors
from ..uploads import uploads_from

ACTION = "answer"
LONG_TEXT = 100_000


class AnswerForm(forms.Form):
    step = forms.ChoiceField(
        choices=[(s, s) for s in ("preview", "template", "edit", "upload", "pdf", "send")],
        required=False,
    )
    template = forms.IntegerField(required=False)
    text = forms.CharField(label=gettext_lazy("Text"), max_length=LONG_TEXT, required=False, strip=False)
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=[("", "—"), *Decision.choices], required=False)
    enclosure = forms.TypedMultipleChoiceField(coerce=int, required=False)
    previewed = forms.CharField(max_length=64, required=False)

    def __init__(self, *args: Any, complaint: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enclosure"].choices = [(a.pk, a.filename) for a in case_documents(complaint)]  # type: ignore[attr-defined]


def case_documents(complaint: Any) -> list[Any]:
    """The complaint's documents a handler may enclose with the answer, oldest first."""
    return list(complaint.attachments.order_by("pk"))


def answer_context(
    complaint: Any,
    *,
    text: str = "",
    decision: str = "",
    template_id: int | None = None,
    enclosures: Sequence[int] = (),
) -> dict[str, Any]:
    """What the answer page needs: the templates, the text, the decision and the documents to enclose."""
    offered = templates_for(complaint, decision)
    if template_id is None and offered and not text:
        template_id = offered[0].pk
    return {
        "answer_templates": offered,
        "answer_template_id": template_id,
        "answer_text": text,
        "answer_decision": decision,
        "decisions": Decision.choices,
        "documents": case_documents(complaint),
        "enclosed": set(enclosures),
        "pictured_types": PICTURED_TYPES,
        "language": complaint_language(complaint),
    }


def _compose(request: HttpRequest, complaint: Any, **values: Any) -> HttpResponse:
    # Said before the answer is written, not only when it is sent: what still stands in its way (the
    # checklist's open mandatory steps).
    blocked = answer_checks.refusal(complaint)
    context = {"c": complaint, "answer_blocked": blocked, **answer_context(complaint, **values)}
    return render(request, "staff/answer_compose.html", context)


def _draft_entry(complaint: Any, letter: str, enclosures: Sequence[int]) -> TimelineEntry:
    """The answer as the timeline will hold it, not saved: what the preview and the draft PDF show."""
    return TimelineEntry(
        complaint=complaint,
        tenant_id=complaint.tenant_id,
        entry_type=EntryType.OUTBOUND,
        channel=complaint.reply_channel,
        body=letter,
        data={"purpose": ACTION, "enclosures": list(enclosures)},
        created_at=clock.now(),
    )


def _as_sent(complaint: Any, letter: str) -> dict[str, str]:
    """The answer exactly as the customer gets it: the e-mail with its subject, greeting and signature;
    the letter's text (its PDF from "the letter as printed"); or the message on the customer's page."""
    if complaint.reply_channel == Channel.EMAIL:
        context = {"text": letter, "purpose": ACTION, "greeted": opens_with_greeting(letter)}
        return {
            "subject": " ".join(render_mail(complaint, "subject", {"purpose": ACTION}).split()),
            "body": render_mail(complaint, "message", context),
        }
    return {"subject": "", "body": letter}


def _upload(request: HttpRequest, actor: Any, complaint: Any, chosen: list[int]) -> list[int]:
    """Documents added from the answer page join the case (audited like any attachment) and are enclosed."""
    for upload in uploads_from(request.FILES.getlist("files")):
        try:
            attachment = complaint_attach(actor=actor, complaint_id=complaint.pk, upload=upload)
        except QuerelaError as exc:
            messages.error(request, exc.message)
        else:
            chosen.append(attachment.pk)
            messages.success(request, _("“%(name)s” was added to the case.") % {"name": attachment.filename})
    return chosen


@tenant_page("complaint.transition.answer")
def answer_compose(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """GET: the answer page. POST: "Use template" fills the text, "Add documents" adds enclosures,
    "Preview" shows the answer as it goes out, "The letter as printed" is its PDF, "Back to edit" returns
    with everything kept, "Send" (only from the preview, with its digest) sends."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    require(actor, f"complaint.transition.{ACTION}", complaint)
    if request.method != "POST":
        return _compose(request, complaint)
    form = AnswerForm(request.POST, complaint=complaint)
    if not form.is_valid():
        form_errors(request, form)
        return _compose(request, complaint, text=request.POST.get("text", "")[:LONG_TEXT])
    d = form.cleaned_data
    step, text, decision = d["step"] or "preview", d["text"] or "", d["decision"] or ""
    enclosures: list[int] = list(d["enclosure"])
    kept = {"text": text, "decision": decision, "template_id": d["template"], "enclosures": enclosures}
    if step == "template":
        chosen = d["template"]
        if chosen is None:
            best = template_for(complaint, decision)
            chosen = best.pk if best else None
        filled = answer_template_text(complaint, chosen, decision) if chosen is not None else None
        if filled is None:
            messages.error(request, _("Choose a template."))
            return _compose(request, complaint, **kept)
        return _compose(request, complaint, **{**kept, "text": filled, "template_id": chosen})
    if step == "upload":
        return _compose(request, complaint, **{**kept, "enclosures": _upload(request, actor, complaint, enclosures)})
    if step == "edit":
        return _compose(request, complaint, **kept)
    if not text.strip() or not decision:
        if not text.strip():
            messages.error(request, _("Please write the text the customer or the file will read."))
        if not decision:
            messages.error(request, _("Choose the decision: upheld, partly upheld or rejected."))
        return _compose(request, complaint, **kept)
    letter, _remedies = answer_letter(complaint, text, decision)
    try:
        enclosed = answer_enclosures(complaint, enclosures)
    except QuerelaError as exc:
        messages.error(request, exc.message)
        return _compose(request, complaint, **kept)
    if step == "pdf":
        pdf = outbound_letter(_draft_entry(complaint, letter, enclosures)).pdf
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{complaint.reference}-answer-draft.pdf"'
        return response
    if step == "send":
        if not d["previewed"]:
            messages.error(request, _("Read the preview, then send the answer from there."))
        else:
            try:
                complaint_transition(
                    actor=actor,
                    complaint_id=complaint.pk,
                    action=ACTION,
                    text=text,
                    decision=decision,
                    previewed=d["previewed"],
                    enclosures=enclosures,
                )
            except QuerelaError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The answer was sent."))
                return redirect("web:complaint_detail", tenant=tenant, reference=reference)
    return render(
        request,
        "staff/answer_preview.html",
        {
            "c": complaint,
            "letter": letter,
            "sent": _as_sent(complaint, letter),
            "on_paper": complaint.reply_channel in PAPER_CHANNELS,
            "digest": letter_digest(letter, enclosures),
            "text": text,
            "decision": decision,
            "decision_label": Decision(decision).label,
            "template_id": d["template"],
            "enclosures": enclosed,
        },
    )


@tenant_page("complaint.transition.answer")
def answer_template_fill(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """HTMX: the answer's text area filled from the chosen template (nothing chosen: left as it was)."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    require(actor, f"complaint.transition.{ACTION}", complaint)
    decision = request.GET.get("decision", "")
    decision = decision if decision in Decision.values else ""
    chosen = plain_number(request.GET.get("template", ""), 12)
    text = answer_template_text(complaint, chosen, decision) if chosen is not None else None
    if text is None:
        return HttpResponse(status=204)  # HTMX swaps nothing: the text stays as it was
    return render(
        request, "web/partials/answer_text.html", {"answer_text": text, "language": complaint_language(complaint)}
    )
