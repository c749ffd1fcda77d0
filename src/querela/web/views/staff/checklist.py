"""The checklist on a case (issue 14): its card on the case file, and a step marked done (with its evidence:
files uploaded or already on the case), not applicable (with a reason) or handed to someone else (with a
reason), or a supervisor's override of the answer gate; each a POST that goes back to the complaint with the
outcome or the error in a message. Who may is the service's to decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.complaints.models import Complaint
from querela.complaints.selectors import complaint_for_write
from querela.core.errors import NotFound
from querela.instructions.checklists import (
    checklist_choices,
    checklist_choose,
    checklist_of,
    checklist_override,
    checklist_step_done,
    checklist_step_not_applicable,
    checklist_step_reassign,
)
from querela.instructions.models import ChecklistStep
from querela.orgchart.selectors import staff_choices
from querela.tenants.access import Actor, can
from querela.tenants.roles import Role

from ...decorators import tenant_page
from ...feedback import submit
from ..uploads import uploads_from


class DoneForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=4000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


class ReassignForm(forms.Form):
    assignees = forms.TypedMultipleChoiceField(label=gettext_lazy("Hand the step to"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].choices = staff_choices()  # type: ignore[attr-defined]


def checklist_card(actor: Actor, complaint: Complaint, files: dict[int, str] | None = None) -> dict[str, Any]:
    """The case file's checklist: one query without one (none for those who do not see internal work), three
    with one, and the staff list when a step may be handed on. `files`: the complaint's attachments by id,
    offered as evidence already on the case."""
    if not can(actor, "complaint.view_internal"):
        return {"checklist": []}
    rows = checklist_of(actor, complaint, files=files)
    # The handler or a supervisor may have the case follow another instruction of its category.
    chooses = (
        bool(rows)
        and not complaint.is_finished
        and (actor.role == Role.SUPERVISOR or (actor.role == Role.HANDLER and complaint.assignee_id == actor.user_id))
    )
    return {
        "checklist": rows,
        "checklist_instruction": rows[0].step.instruction if rows else None,  # current first (checklist_of)
        "checklist_choices": checklist_choices(complaint) if chooses else [],
        "checklist_files": sorted((files or {}).items(), key=lambda f: f[1].lower()) if rows else [],
        "checklist_staff": staff_choices() if any(r.may_reassign for r in rows) else [],
        "checklist_may_override": actor.role == Role.SUPERVISOR
        and not complaint.is_finished
        and any(r.step.mandatory and r.step.state == "open" for r in rows),
    }


def _back(tenant: str, reference: str) -> HttpResponse:
    return redirect("web:complaint_detail", tenant=tenant, reference=reference)


def _on_step(request: HttpRequest, tenant: str, step_id: int, form: forms.Form, run: Any, done: Any) -> HttpResponse:
    """A POST about one step: the service decides (`run(actor, step_id, cleaned_data)`), the case file shows
    the outcome or the reason in a message."""
    actor = request.actor  # type: ignore[attr-defined]
    step = ChecklistStep.objects.select_related("complaint").filter(pk=step_id).first()
    if step is None:
        raise NotFound(_("No such checklist step."))
    submit(request, form, lambda d: run(actor, step.pk, d), done)
    return _back(tenant, step.complaint.reference)


@require_POST
@tenant_page("complaint.view_internal")
def checklist_done_view(request: HttpRequest, tenant: str, step_id: int) -> HttpResponse:
    uploads = uploads_from(request.FILES.getlist("files"))
    chosen = [int(v) for v in request.POST.getlist("evidence") if v.isascii() and v.isdigit()]

    def run(actor: Actor, pk: int, d: dict[str, Any]) -> Any:
        return checklist_step_done(actor=actor, step_id=pk, note=d["note"], uploads=uploads, evidence_ids=chosen)

    return _on_step(request, tenant, step_id, DoneForm(request.POST), run, _("The step was marked done."))


@require_POST
@tenant_page("complaint.view_internal")
def checklist_not_applicable_view(request: HttpRequest, tenant: str, step_id: int) -> HttpResponse:
    def run(actor: Actor, pk: int, d: dict[str, Any]) -> Any:
        return checklist_step_not_applicable(actor=actor, step_id=pk, reason=d["reason"])

    return _on_step(request, tenant, step_id, ReasonForm(request.POST), run, _("The step was marked not applicable."))


@require_POST
@tenant_page("complaint.view_internal")
def checklist_reassign_view(request: HttpRequest, tenant: str, step_id: int) -> HttpResponse:
    def run(actor: Actor, pk: int, d: dict[str, Any]) -> Any:
        return checklist_step_reassign(actor=actor, step_id=pk, user_ids=d["assignees"], reason=d["reason"])

    return _on_step(request, tenant, step_id, ReassignForm(request.POST), run, _("The step was handed on."))


class ChooseForm(forms.Form):
    instruction = forms.IntegerField(label=gettext_lazy("Instruction"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


@require_POST
@tenant_page("complaint.view_internal")
def checklist_choose_view(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    submit(
        request,
        ChooseForm(request.POST),
        lambda d: checklist_choose(
            actor=actor, complaint_id=complaint.pk, instruction_id=d["instruction"], reason=d["reason"]
        ),
        _("The case follows the chosen instruction now."),
    )
    return _back(tenant, complaint.reference)


@require_POST
@tenant_page("complaint.view_internal")
def checklist_override_view(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)
    submit(
        request,
        ReasonForm(request.POST),
        lambda d: checklist_override(actor=actor, complaint_id=complaint.pk, reason=d["reason"]),
        _("The answer may go out with the checklist open."),
    )
    return _back(tenant, complaint.reference)
