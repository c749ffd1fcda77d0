"""Consultations on a complaint (issue 13): the card on the case page, ask / answer / cancel, each a POST
that goes back to the complaint with the outcome or the errors in a message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.complaints.models import Complaint
from querela.consultations.calendar import default_due
from querela.consultations.models import Consultation, ConsultationStatus
from querela.consultations.selectors import consultations_of
from querela.consultations.services import (
    actor_department_id,
    consultation_answer,
    consultation_cancel,
    may_answer,
)
from querela.core import clock, tenancy
from querela.core.errors import NotFound
from querela.tenants.access import Actor, can
from querela.tenants.models import Department, Membership
from querela.tenants.permissions import STAFF

from ...decorators import tenant_page
from ...feedback import submit

_TEXT = 10_000


class AskForm(forms.Form):
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), required=False, coerce=int, empty_value=None)
    party_name = forms.CharField(label=gettext_lazy("Or an outside party: name"), max_length=200, required=False)
    party_email = forms.EmailField(label=gettext_lazy("Outside party's e-mail"), required=False)
    assignee = forms.TypedChoiceField(
        label=gettext_lazy("Assignee (staff of that department)"), required=False, coerce=int, empty_value=None
    )
    question = forms.CharField(
        label=gettext_lazy("Question"), max_length=_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = list(Department.objects.order_by("name").values_list("pk", "name"))
        self.fields["department"].choices = [("", "—"), *departments]  # type: ignore[attr-defined]
        staff = (
            Membership.objects.filter(department__isnull=False, is_active=True, role__in=[str(r) for r in STAFF])
            .select_related("user", "department")
            .order_by("department__name", "user__username")
        )
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(m.user_id, f"{m.user.get_full_name() or m.user.username} ({m.department})") for m in staff],
        ]


class AnswerForm(forms.Form):
    result = forms.CharField(label=gettext_lazy("Result"), max_length=_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)


def consultations_card(actor: Actor, complaint: Complaint) -> dict[str, Any]:
    """What the complaint page's consultations card needs; a fixed number of queries whatever it lists."""
    if not can(actor, "complaint.view_internal"):
        return {"consultations": None}
    progress = consultations_of(complaint)
    department_id = actor_department_id(actor) if progress.open else None
    may_manage = can(actor, "consultation.manage")
    return {
        "consultations": progress,
        # The form is read when the person opens it (`ask_form`): the case file stays cheap.
        "consultation_may_ask": may_manage,
        "consultation_may_cancel": may_manage,
        "consultation_answerable": {
            r.consultation.pk
            for r in progress.rows
            if r.consultation.status == ConsultationStatus.OPEN and may_answer(actor, r.consultation, department_id)
        },
    }


def ask_form() -> AskForm:
    """The blank question, due in the tenant's default number of working days."""
    tenant = tenancy.current_tenant()
    return AskForm(initial={"due_on": default_due(tenant, clock.tenant_today(tenant))}, auto_id="ask_%s")


def _back(tenant: str, reference: str) -> HttpResponse:
    return redirect("web:complaint_detail", tenant=tenant, reference=reference)


def _consultation(consultation_id: int) -> Consultation:
    consultation = Consultation.objects.select_related("complaint").filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound(_("Consultation not found."))
    return consultation


@require_POST
@tenant_page("consultation.answer")
def consultation_answer_view(request: HttpRequest, tenant: str, consultation_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    consultation = _consultation(consultation_id)
    submit(
        request,
        AnswerForm(request.POST),
        lambda d: consultation_answer(actor=actor, consultation_id=consultation.pk, result=d["result"]),
        _("The answer was recorded."),
    )
    if not can(actor, "complaint.view", consultation.complaint):
        return redirect("web:tenant_home", tenant=tenant)  # e.g. an agent of the department asked
    return _back(tenant, consultation.complaint.reference)


@require_POST
@tenant_page("consultation.manage")
def consultation_cancel_view(request: HttpRequest, tenant: str, consultation_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    consultation = _consultation(consultation_id)
    submit(
        request,
        CancelForm(request.POST),
        lambda d: consultation_cancel(actor=actor, consultation_id=consultation.pk, reason=d["reason"]),
        _("The consultation was cancelled."),
    )
    return _back(tenant, consultation.complaint.reference)
