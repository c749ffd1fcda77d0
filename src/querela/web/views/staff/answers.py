"""Writing an answer (issue 13): start from a template, then read the letter exactly as it will go out
and only then send it. The text composed here is `complaints.answers.answer_letter`, the same the answer
writes; the confirmation carries its digest, and the answer refuses to go out if the letter changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.answer_templates.selectors import answer_template_text, template_for, templates_for
from querela.complaints.answers import answer_letter, letter_digest
from querela.complaints.selectors import complaint_for_write
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import Decision
from querela.core.errors import QuerelaError
from querela.core.numbers import plain_number
from querela.tenants.access import require

from ...decorators import tenant_page
from ...feedback import form_errors

ACTION = "answer"
LONG_TEXT = 100_000


class AnswerForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("preview", "preview"), ("template", "template"), ("edit", "edit"), ("send", "send")],
        required=False,
    )
    template = forms.IntegerField(required=False)
    text = forms.CharField(label=gettext_lazy("Text"), max_length=LONG_TEXT, required=False, strip=False)
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=[("", "—"), *Decision.choices], required=False)
    previewed = forms.CharField(max_length=64, required=False)


def answer_context(
    complaint: Any, *, text: str = "", decision: str = "", template_id: int | None = None
) -> dict[str, Any]:
    """What the answer fields need (the case file and the compose page share them)."""
    offered = templates_for(complaint, decision)
    if template_id is None and offered and not text:
        template_id = offered[0].pk
    return {
        "answer_templates": offered,
        "answer_template_id": template_id,
        "answer_text": text,
        "answer_decision": decision,
        "decisions": Decision.choices,
    }


def _compose(request: HttpRequest, complaint: Any, **values: Any) -> HttpResponse:
    return render(request, "staff/answer_compose.html", {"c": complaint, **answer_context(complaint, **values)})


@tenant_page("complaint.transition.answer")
def answer_compose(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """GET: the answer fields on a page of their own. POST: "Use template" fills the text, "Preview"
    shows the letter, "Back to edit" returns with the text kept, "Send" (only on the preview) sends."""
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    require(actor, f"complaint.transition.{ACTION}", complaint)
    if request.method != "POST":
        return _compose(request, complaint)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _compose(request, complaint, text=request.POST.get("text", "")[:LONG_TEXT])
    d = form.cleaned_data
    step, text, decision = d["step"] or "preview", d["text"] or "", d["decision"] or ""
    if step == "template":
        chosen = d["template"]
        if chosen is None:
            best = template_for(complaint, decision)
            chosen = best.pk if best else None
        filled = answer_template_text(complaint, chosen, decision) if chosen is not None else None
        if filled is None:
            messages.error(request, _("Choose a template."))
            return _compose(request, complaint, text=text, decision=decision)
        return _compose(request, complaint, text=filled, decision=decision, template_id=chosen)
    if step == "edit":
        return _compose(request, complaint, text=text, decision=decision, template_id=d["template"])
    if not text.strip() or not decision:
        if not text.strip():
            messages.error(request, _("Please write the text the customer or the file will read."))
        if not decision:
            messages.error(request, _("Choose the decision: upheld, partly upheld or rejected."))
        return _compose(request, complaint, text=text, decision=decision, template_id=d["template"])
    letter, _remedies = answer_letter(complaint, text, decision)
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
            "digest": letter_digest(letter),
            "text": text,
            "decision": decision,
            "decision_label": Decision(decision).label,
            "template_id": d["template"],
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
    return render(request, "web/partials/answer_text.html", {"answer_text": text})
