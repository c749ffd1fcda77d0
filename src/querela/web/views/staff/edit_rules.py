"""Restricted data changes (issue 14, seed 003): the tenant administrator's matrix of who may change which
field after registration, and when; and the case file's details form showing, beside each field the person
may not change now, why not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.complaints.models import Complaint
from querela.edit_rules.catalogue import EDITABLE, OBJECTS, whens_for
from querela.edit_rules.labels import field_label, when_label
from querela.edit_rules.selectors import matrix_tables
from querela.edit_rules.services import locked_fields, roles_of, rule_reset, rule_set
from querela.orgchart.models import Job
from querela.tenants.access import Actor
from querela.tenants.roles import Role

from ...decorators import tenant_page
from ...feedback import submit


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class CellForm(forms.Form):
    """One cell of one object's table: the field, a role or a job, when, and why."""

    required_css_class = "required"
    field = forms.ChoiceField(label=gettext_lazy("Field"))
    who = forms.ChoiceField(
        label=gettext_lazy("Role or job"),
        help_text=gettext_lazy("A job's holders and deputies may then change the field beyond what their role allows."),
    )
    when = forms.ChoiceField(label=gettext_lazy("May change it"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)

    def __init__(self, *args: Any, object_type: str, jobs: list[Job], **kwargs: Any) -> None:
        kwargs["prefix"] = object_type  # one form per table on the page: their ids must differ
        super().__init__(*args, **kwargs)
        self.object_type = object_type
        labels = dict(Role.choices)
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            (f, _capital(field_label(object_type, f))) for f in EDITABLE[object_type]
        ]
        roles = [(f"role:{r}", str(labels[r])) for r in roles_of(object_type)]
        job_choices = [(f"job:{j.pk}", f"{j.title} ({j.code})") for j in jobs]
        self.fields["who"].choices = [  # type: ignore[attr-defined]
            (_("Roles"), roles),
            *([(_("Jobs of the org chart"), job_choices)] if job_choices else []),
        ]
        self.fields["when"].choices = [(w, _capital(when_label(w))) for w in whens_for(object_type)]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind, _sep, key = d["who"].partition(":")
        who: dict[str, Any] = {"role": key} if kind == "role" else {"job_id": int(key)}
        return {"object_type": self.object_type, "field": d["field"], "when": d["when"], "reason": d["reason"], **who}


class ResetForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


def _jobs() -> list[Job]:
    return list(Job.objects.filter(is_active=True).order_by("title", "code"))


def _prefilled(request: HttpRequest, object_type: str) -> dict[str, str]:
    """A cell's link opens its table's form filled in with that cell."""
    if request.GET.get("object") != object_type:
        return {}
    return {k: request.GET[k] for k in ("field", "who", "when") if request.GET.get(k)}


@tenant_page("edit_rules.manage")
def edit_rules(request: HttpRequest, tenant: str) -> HttpResponse:
    """The matrix, one table per kind of record: rows the fields, columns the roles, each cell when the role
    may change the field (the originals locked); a form per table to change a cell or add a job, with the
    reason; the supplier's own cells, each to be set back to the default."""
    actor = request.actor  # type: ignore[attr-defined]
    jobs = _jobs()
    posted = request.POST.get("object") if request.method == "POST" else None
    cell_forms: dict[str, CellForm] = {}
    for object_type in OBJECTS:
        if not EDITABLE[object_type]:
            continue
        if posted == object_type:
            cell_forms[object_type] = CellForm(request.POST, object_type=object_type, jobs=jobs)
        else:
            cell_forms[object_type] = CellForm(
                initial=_prefilled(request, object_type), object_type=object_type, jobs=jobs
            )
    if posted in cell_forms:
        form = cell_forms[posted]
        if submit(request, form, lambda d: rule_set(actor=actor, **form.values()), _("The rule was saved.")):
            return redirect("web:edit_rules", tenant=tenant)
    tables = matrix_tables()
    changed = [(t, row, cell) for t in tables for row in t.rows for cell in row.cells if cell.rule is not None]
    status = 400 if posted in cell_forms else 200
    return render(
        request,
        "staff/edit_rules.html",
        {
            "tables": tables,
            "cell_forms": cell_forms,
            "changed": changed,
            "opened": posted or request.GET.get("object", ""),
        },
        status=status,
    )


@require_POST
@tenant_page("edit_rules.manage")
def edit_rule_reset(request: HttpRequest, tenant: str, rule_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    submit(
        request,
        ResetForm(request.POST),
        lambda d: rule_reset(actor=actor, rule_id=rule_id, reason=d["reason"]),
        _("The rule is back to the default."),
    )
    return redirect("web:edit_rules", tenant=tenant)


# ---------------------------------------------------------------------------------------------------
# The case file's details form


DETAIL_FIELDS = ("subject", "kind", "category", "reply_channel", "contact_name", "contact_email", "contact_phone")


def lock_details_form(form: forms.Form, actor: Actor, complaint: Complaint) -> None:
    """Fields the person may not change now are shown read-only, the reason beside them (their help text,
    which the input names with aria-describedby)."""
    names = [n for n in DETAIL_FIELDS if n in form.fields]
    locked = locked_fields(actor, "complaint", names, assignee_id=complaint.assignee_id)
    for name, why in locked.items():
        form.fields[name].disabled = True
        form.fields[name].help_text = why
    if names and len(locked) == len(names):
        # Nothing to save: no reason to ask for, no button that can only be refused.
        form.fields.pop("reason", None)
        form.all_locked = True  # type: ignore[attr-defined]


def details_data(post: QueryDict, complaint: Complaint) -> QueryDict:
    """A read-only field is not posted: it keeps the complaint's value. One that is posted is the person's
    wish, and the service judges it (a forged change of a locked field is refused with the reason)."""
    data = post.copy()
    for name in DETAIL_FIELDS:
        if name not in data:
            data[name] = getattr(complaint, name)
    return data
