"""The supervisor's team dashboard (issue 13): backlog by state and age, due this week, breaches and deemed
accepted, load per handler, overdue consultations, extension requests waiting for a second person — with
charts, and every number a link to the worklist filtered to what it counts. Bulk reassignment, and the
decisions on extension requests (also offered on the case file: `extension_request_card`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from querela.complaints.models import Complaint
from querela.complaints.services import BULK_LIMIT, handlers_of_tenant
from querela.core import clock, tenancy
from querela.core.errors import NotFound
from querela.deadlines.texts import EXTENSION_REASON_NAMES
from querela.supervision.models import ExtensionRequest, RequestState
from querela.supervision.selectors import latest_extension_request, team_dashboard, too_late
from querela.supervision.services import (
    complaints_reassign,
    extension_request_approve,
    extension_request_refuse,
)
from querela.tenants.access import Actor, can

from ...charts import bar_chart
from ...decorators import tenant_page
from ...feedback import submit

AGE_LABELS = {
    "0-7": gettext_lazy("0–7 days"),
    "8-15": gettext_lazy("8–15 days"),
    "16-30": gettext_lazy("16–30 days"),
    "31+": gettext_lazy("over 30 days"),
}


class ReassignForm(forms.Form):
    from_user = forms.TypedChoiceField(label=gettext_lazy("Complaints of"), coerce=int)
    to_user = forms.TypedChoiceField(label=gettext_lazy("Give them to"), coerce=int)
    only_overdue = forms.BooleanField(label=gettext_lazy("Only the overdue ones"), required=False)

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(h.pk, h.get_full_name() or h.get_username()) for h in handlers]]
        self.fields["from_user"].choices = choices  # type: ignore[attr-defined]
        self.fields["to_user"].choices = choices  # type: ignore[attr-defined]


class ApproveForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=2000, required=False)


class RefuseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Reason for refusing"), max_length=2000)


def reason_label(code: str) -> str:
    return _(EXTENSION_REASON_NAMES[code]) if code in EXTENSION_REASON_NAMES else code


@tenant_page("supervision.dashboard")
def team_dashboard_view(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    board = team_dashboard(actor=actor)
    handlers = handlers_of_tenant()
    age_labels = [str(AGE_LABELS[key]) for key in board.buckets]
    return render(
        request,
        "staff/supervision.html",
        {
            "board": board,
            "age_labels": age_labels,
            "backlog_columns": list(zip(age_labels, board.bucket_totals, strict=True)),
            "age_chart": bar_chart(
                chart_id="chart-age",
                title=_("Open complaints by age since receipt"),
                rows=[(label, f.n) for label, f in zip(age_labels, board.bucket_totals, strict=True)],
            ),
            "load_chart": bar_chart(
                chart_id="chart-load",
                title=_("Open complaints per handler"),
                rows=[(h.user.get_full_name() or h.user.get_username(), h.open.n) for h in board.load],
                empty=_("No handlers."),
            ),
            "requests": [
                {"r": r, "reason": reason_label(r.reason), "too_late": too_late(r, board.today)}
                for r in board.pending_requests
            ],
            "may_decide": can(actor, "extension.decide"),
            "may_reassign": can(actor, "complaint.assign_others"),
            "reassign_form": ReassignForm(handlers=handlers, auto_id="reassign_%s"),
            "bulk_limit": BULK_LIMIT,
            "may_review": can(actor, "quality.review"),
        },
    )


@require_POST
@tenant_page("supervision.dashboard")
def reassign_view(request: HttpRequest, tenant: str) -> HttpResponse:
    """Give one handler's open (or overdue) complaints to another, in one go."""
    actor = request.actor  # type: ignore[attr-defined]
    form = ReassignForm(request.POST, handlers=handlers_of_tenant())

    def run(d: dict[str, Any]) -> tuple[int, list[str]]:
        return complaints_reassign(
            actor=actor, from_user_id=d["from_user"], to_user_id=d["to_user"], only_overdue=d["only_overdue"]
        )

    def done(result: tuple[int, list[str]]) -> str:
        n, refused = result
        for line in refused:
            messages.error(request, line)
        return ngettext("%(n)s complaint reassigned.", "%(n)s complaints reassigned.", n) % {"n": n}

    submit(request, form, run, done)
    return redirect("web:team_dashboard", tenant=tenant)


# ---------------------------------------------------------------------------------------------------
# Extension requests: decided here or on the case file


def extension_request_card(actor: Actor, complaint: Complaint) -> dict[str, Any]:
    """What `staff/_extension_request.html` needs on the case file: the complaint's newest extension request
    (pending, or how it was decided), and whether this person may decide it. One query."""
    if not can(actor, "complaint.view_internal"):
        return {"extension_request": None}
    request = latest_extension_request(complaint)
    if request is None:
        return {"extension_request": None}
    pending = request.state == RequestState.PENDING
    today = clock.tenant_today(tenancy.current_tenant())
    return {
        "extension_request": request,
        "extension_request_reason": reason_label(request.reason),
        "extension_request_too_late": pending and complaint.answer_due is not None and complaint.answer_due < today,
        "extension_request_may_decide": pending
        and can(actor, "extension.decide")
        and request.requested_by_id != actor.user_id,
        "extension_request_own": request.requested_by_id == actor.user_id,
    }


def _request(request_id: int) -> ExtensionRequest:
    row = ExtensionRequest.objects.select_related("complaint").filter(pk=request_id).first()
    if row is None:
        raise NotFound(_("Extension request not found."))
    return row


def _after_decision(request: HttpRequest, tenant: str, row: ExtensionRequest) -> HttpResponse:
    if request.POST.get("back") == "case":
        return redirect("web:complaint_detail", tenant=tenant, reference=row.complaint.reference)
    return redirect("web:team_dashboard", tenant=tenant)


@require_POST
@tenant_page("extension.decide")
def extension_request_approve_view(request: HttpRequest, tenant: str, extension_request_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    row = _request(extension_request_id)

    def success(new_due: Any) -> str:
        return _("Approved: the notice went out and the answer is now due on %(due)s.") % {
            "due": new_due.isoformat() if new_due else "—"
        }

    submit(
        request,
        ApproveForm(request.POST),
        lambda d: extension_request_approve(actor=actor, request_id=row.pk, note=d["note"]),
        success,
    )
    return _after_decision(request, tenant, row)


@require_POST
@tenant_page("extension.decide")
def extension_request_refuse_view(request: HttpRequest, tenant: str, extension_request_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    row = _request(extension_request_id)
    submit(
        request,
        RefuseForm(request.POST),
        lambda d: extension_request_refuse(actor=actor, request_id=row.pk, note=d["note"]),
        _("Refused: the requester sees your reason on the complaint."),
    )
    return _after_decision(request, tenant, row)
