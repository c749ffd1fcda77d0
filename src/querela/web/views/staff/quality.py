"""Quality review (issue 13): a supervisor draws a random sample of answered complaints (a date range,
optionally one handler's), reviews each against the supplier's checklist with a score and a comment, and
reads the results per handler. The checklist is edited on its own page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.audit.services import audit_personal_data
from querela.complaints.models import DeadlineStep, EntryType, TimelineEntry
from querela.complaints.services import handlers_of_tenant
from querela.complaints.workflow import Decision
from querela.core import clock, tenancy
from querela.core.errors import NotFound, QuerelaError
from querela.core.numbers import plain_number
from querela.supervision.checklist import ANSWERS
from querela.supervision.models import QualityCheckItem, QualityReview, QualitySample
from querela.supervision.selectors import checklist_items, results_per_handler, samples
from querela.supervision.services import (
    MAX_SAMPLE,
    gettext_default,
    quality_checklist_save,
    quality_review_save,
    quality_sample_draw,
)
from querela.tenants.access import can

from ...decorators import tenant_page
from ...feedback import submit

ANSWER_LABELS = {"yes": gettext_lazy("Yes"), "no": gettext_lazy("No"), "na": gettext_lazy("Not applicable")}


class DrawForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Answered from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Answered until"), widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(label=gettext_lazy("How many complaints"), min_value=1, max_value=MAX_SAMPLE)
    handler = forms.TypedChoiceField(
        label=gettext_lazy("Only this handler's (optional)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(h.pk, h.get_full_name() or h.get_username()) for h in handlers_of_tenant()]
        self.fields["handler"].choices = [("", _("Any handler")), *people]  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("Reviewed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Reviewed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewForm(forms.Form):
    score = forms.IntegerField(
        label=gettext_lazy("Score (0–100)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy("Empty: the share of applicable items met."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, items: list[QualityCheckItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.label, choices=[(a, ANSWER_LABELS[a]) for a in ANSWERS], widget=forms.RadioSelect
            )

    def checks(self) -> list[dict[str, Any]]:
        """Each item with its field, for the template's fieldsets."""
        return [{"item": item, "field": self[f"item_{item.pk}"]} for item in self.items]

    def answers(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


@tenant_page("quality.review")
def quality_index(request: HttpRequest, tenant: str) -> HttpResponse:
    today = clock.tenant_today(tenancy.current_tenant())
    period = PeriodForm(request.GET or None)
    since, until = (
        (period.cleaned_data["since"], period.cleaned_data["until"])
        if period.is_bound and period.is_valid()
        else (None, None)
    )
    draw = DrawForm(initial={"date_from": today - timedelta(days=30), "date_to": today, "size": 10}, auto_id="draw_%s")
    return render(
        request,
        "staff/quality.html",
        {
            "draw_form": draw,
            "period_form": period if period.is_bound else PeriodForm(),
            "samples": list(samples()[:30]),
            "results": results_per_handler(since=since, until=until),
            "may_edit_checklist": can(request.actor, "quality.checklist"),  # type: ignore[attr-defined]
        },
    )


@require_POST
@tenant_page("quality.review")
def quality_draw(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    drawn: list[QualitySample] = []

    def run(d: dict[str, Any]) -> QualitySample:
        sample = quality_sample_draw(
            actor=actor, day_from=d["date_from"], day_to=d["date_to"], size=d["size"], handler_id=d["handler"]
        )
        drawn.append(sample)
        return sample

    def said(sample: QualitySample) -> str:
        n = sample.reviews.count()
        return _("%(n)s of %(size)s complaints drawn.") % {"n": n, "size": sample.size}

    if submit(request, DrawForm(request.POST), run, said):
        return redirect("web:quality_sample", tenant=tenant, quality_sample_id=drawn[0].pk)
    return redirect("web:quality_index", tenant=tenant)


def _sample(sample_id: int) -> QualitySample:
    sample = QualitySample.objects.select_related("handler", "drawn_by").filter(pk=sample_id).first()
    if sample is None:
        raise NotFound(_("Sample not found."))
    return sample


@tenant_page("quality.review")
def quality_sample(request: HttpRequest, tenant: str, quality_sample_id: int) -> HttpResponse:
    sample = _sample(quality_sample_id)
    reviews = list(
        QualityReview.objects.filter(sample=sample).select_related("complaint", "handler", "reviewed_by").order_by("pk")
    )
    return render(request, "staff/quality_sample.html", {"sample": sample, "reviews": reviews})


def _answer_entry(review: QualityReview) -> TimelineEntry | None:
    return (
        TimelineEntry.objects.filter(
            complaint_id=review.complaint_id,
            entry_type=EntryType.OUTBOUND,
            data__purpose__in=["answer", "resolve_on_spot"],
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _suggested(review: QualityReview, items: list[QualityCheckItem], answer: TimelineEntry | None) -> dict[str, str]:
    """What the data already says, for the reviewer to confirm: on time, the reply channel, remedies n/a when upheld."""
    c = review.complaint
    step = DeadlineStep.objects.filter(complaint_id=c.pk, step="answer").values_list("due_date", "done_at").first()
    found: dict[str, str] = {}
    if step and step[0] and step[1]:
        found["on_time"] = "yes" if clock.tenant_date(c.tenant, step[1]) <= step[0] else "no"
    if answer is not None and answer.channel:
        found["reply_channel"] = "yes" if answer.channel == c.reply_channel else "no"
    if c.decision == Decision.UPHELD:
        found["remedies"] = "na"
    return {f"item_{i.pk}": found[i.preset] for i in items if i.preset in found}


@tenant_page("quality.review")
def quality_review(request: HttpRequest, tenant: str, quality_review_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    review = (
        QualityReview.objects.select_related("complaint", "complaint__tenant", "handler", "sample", "reviewed_by")
        .filter(pk=quality_review_id)
        .first()
    )
    if review is None:
        raise NotFound(_("Review not found."))
    items = checklist_items()
    if request.method == "POST":
        form = ReviewForm(request.POST, items=items)
        ok = submit(
            request,
            form,
            lambda d: quality_review_save(
                actor=actor,
                review_id=review.pk,
                answers=form.answers(),
                score=d["score"],
                comment=d["comment"] or "",
            ),
            _("Review saved."),
        )
        if ok:
            following = (
                QualityReview.objects.filter(sample_id=review.sample_id, reviewed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if following is not None and "next" in request.POST:
                return redirect("web:quality_review", tenant=tenant, quality_review_id=following)
            return redirect("web:quality_sample", tenant=tenant, quality_sample_id=review.sample_id)
    else:
        answer = _answer_entry(review)
        initial: dict[str, Any] = {"score": review.score, "comment": review.comment}
        if review.done:
            initial.update({f"item_{c['item']}": c["answer"] for c in review.checks if isinstance(c, dict)})
        else:
            initial.update(_suggested(review, items, answer))
        form = ReviewForm(initial=initial, items=items)
    # The answer is read here: a view of the complaint's personal data.
    audit_personal_data(actor=actor, what="view", object_type="complaint", object_id=review.complaint.reference)
    return render(
        request,
        "staff/quality_review.html",
        {"review": review, "form": form, "answer": _answer_entry(review), "c": review.complaint},
    )


@tenant_page("quality.checklist")
def quality_checklist(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    items = checklist_items(active_only=False)
    if request.method == "POST":
        p = request.POST
        rows = [
            {
                "id": item.pk,
                "text": p.get(f"text_{item.pk}", ""),
                "position": plain_number(p.get(f"position_{item.pk}", ""), 5) or 0,
                "is_active": p.get(f"active_{item.pk}") == "on",
            }
            for item in items
        ]
        try:
            quality_checklist_save(actor=actor, items=rows, new_texts=p.getlist("new"))
        except QuerelaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:quality_checklist", tenant=tenant)
    rows_shown = [{"item": item, "text": item.text or (gettext_default(item.preset) or "")} for item in items]
    return render(request, "staff/quality_checklist.html", {"rows": rows_shown})
