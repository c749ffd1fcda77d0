"""The org chart (issue 14, seed 003): departments → jobs → holders and deputies, seen by caseworkers and the
administrator; the administrator adds and edits jobs, puts staff in them, names deputies, and imports a
large supplier's chart from CSV after a preview of what will change."""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from querela.core import clock
from querela.core.errors import QuerelaError, ValidationFailed
from querela.orgchart.csvfile import COLUMNS, MAX_BYTES, MAX_ROWS
from querela.orgchart.importing import ImportReport, orgchart_import_csv
from querela.orgchart.models import Deputy, Job, JobHolder, SignCapability
from querela.orgchart.selectors import (
    job_deputies,
    job_open,
    job_terms,
    org_chart,
    person_name,
    staff_choices,
    today,
)
from querela.orgchart.services import deputy_end, deputy_set, holder_assign, holder_end, job_save
from querela.tenants.access import can, require
from querela.tenants.models import Department

from ...decorators import tenant_page
from ...feedback import form_errors, submit

_SESSION_KEY = "orgchart_import"
_PREVIEW_DIR = "orgchart-imports"
_SHOWN_CHANGES = 500
_SHOWN_ERRORS = 500


def _date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class JobForm(forms.Form):
    required_css_class = "required"
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), coerce=int)
    code = forms.CharField(
        label=gettext_lazy("Job code"),
        max_length=40,
        help_text=gettext_lazy(
            "How work instructions name the job: letters, digits and - _ . — it can't be changed later."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=200)
    duties = forms.CharField(
        label=gettext_lazy("Duties"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the job does: its part in verifying and answering complaints."),
    )
    may_sign = forms.MultipleChoiceField(
        label=gettext_lazy("May sign"),
        required=False,
        choices=SignCapability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)

    def __init__(self, *args: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.pk, f"{d.name} ({d.code})") for d in Department.objects.order_by("name")
        ]
        if not creating:
            del self.fields["code"]


class HolderForm(forms.Form):
    required_css_class = "required"
    user = forms.TypedChoiceField(label=gettext_lazy("Staff member"), coerce=int)
    since = _date_field(pgettext_lazy("start of a date range", "From"), help_text=gettext_lazy("Empty: today."))
    until = _date_field(gettext_lazy("Until (last day)"), help_text=gettext_lazy("Empty: until further notice."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *staff_choices()]  # type: ignore[attr-defined]


class DeputyForm(forms.Form):
    required_css_class = "required"
    user = forms.TypedChoiceField(label=gettext_lazy("Deputy"), coerce=int)
    holder = forms.TypedChoiceField(label=gettext_lazy("Stands in for"), coerce=int, empty_value=None, required=False)
    starts_on = _date_field(pgettext_lazy("start of a date range", "From"), help_text=gettext_lazy("Empty: today."))
    ends_on = _date_field(gettext_lazy("Until (last day)"), help_text=gettext_lazy("Empty: until further notice."))
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, help_text=gettext_lazy("E.g. annual leave, a vacancy.")
    )

    def __init__(self, *args: Any, terms: list[JobHolder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = today()
        self.fields["user"].choices = [("", "—"), *staff_choices()]  # type: ignore[attr-defined]
        self.fields["holder"].choices = [("", _("The job as a whole"))] + [  # type: ignore[attr-defined]
            (t.pk, f"{person_name(t.user)} ({t.since} – {t.until or '…'})")
            for t in terms
            if t.until is None or t.until >= current
        ]


class EndForm(forms.Form):
    until = _date_field(gettext_lazy("Last day"), required=True)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Worded when the form is made, in the language of the request (not when the module loads).
        self.fields["file"].help_text = _("UTF-8 text, at most %(mb)s MB and %(rows)s rows.") % {
            "mb": MAX_BYTES // (1024 * 1024),
            "rows": f"{MAX_ROWS:,}",
        }


def _on(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return today()


@tenant_page("orgchart.view")
def orgchart(request: HttpRequest, tenant: str) -> HttpResponse:
    """The chart on a day (today by default): each department's jobs with who holds them and who stands in."""
    actor = request.actor  # type: ignore[attr-defined]
    on = _on(request)
    may_manage = can(actor, "orgchart.manage")
    return render(
        request,
        "staff/orgchart.html",
        {
            "chart": org_chart(on=on, include_inactive=may_manage),
            "on": on,
            "is_today": on == today(),
            "may_manage": may_manage,
        },
    )


@tenant_page("orgchart.manage")
def orgchart_job_new(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    initial = {"department": request.GET.get("department", ""), "is_active": True}
    form = JobForm(request.POST or None, creating=True, initial=initial)
    made: list[Job] = []
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: made.append(job_save(actor=actor, job_id=None, department_id=d.pop("department"), **d)),
        _("The job was added."),
    ):
        return redirect("web:orgchart_job", tenant=tenant, job_id=made[0].pk)
    return render(request, "staff/orgchart_job_new.html", {"form": form})


@tenant_page("orgchart.view")
def orgchart_job(request: HttpRequest, tenant: str, job_id: int) -> HttpResponse:
    """A job: its duties and signing rights, every term of its holders and its deputies; for the
    administrator, the forms to change it, put someone in it and name a deputy."""
    actor = request.actor  # type: ignore[attr-defined]
    job = job_open(job_id)
    if job is None:
        raise Http404
    may_manage = can(actor, "orgchart.manage")
    initial = {
        "department": job.department_id,
        "title": job.title,
        "duties": job.duties,
        "may_sign": job.may_sign,
        "is_active": job.is_active,
    }
    form = JobForm(request.POST or None, creating=False, initial=initial)
    if request.method == "POST":
        require(actor, "orgchart.manage")
        if submit(
            request,
            form,
            lambda d: job_save(actor=actor, job_id=job.pk, department_id=d.pop("department"), **d),
            _("The job was saved."),
        ):
            return redirect("web:orgchart_job", tenant=tenant, job_id=job.pk)
    terms = job_terms(job)
    return render(
        request,
        "staff/orgchart_job.html",
        {
            "job": job,
            "may_sign_labels": [str(SignCapability(c).label) for c in job.may_sign if c in SignCapability.values],
            "terms": terms,
            "deputies": job_deputies(job),
            "today": today(),
            "may_manage": may_manage,
            "form": form,
            "holder_form": HolderForm(prefix="holder") if may_manage else None,
            "deputy_form": DeputyForm(prefix="deputy", terms=terms) if may_manage else None,
        },
    )


@require_POST
@tenant_page("orgchart.manage")
def orgchart_holder_add(request: HttpRequest, tenant: str, job_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    submit(
        request,
        HolderForm(request.POST, prefix="holder"),
        lambda d: holder_assign(actor=actor, job_id=job_id, user_id=d["user"], since=d["since"], until=d["until"]),
        lambda h: _("%(person)s holds the job from %(since)s.") % {"person": person_name(h.user), "since": h.since},
    )
    return redirect("web:orgchart_job", tenant=tenant, job_id=job_id)


@require_POST
@tenant_page("orgchart.manage")
def orgchart_holder_end(request: HttpRequest, tenant: str, job_holder_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    holder = JobHolder.objects.filter(pk=job_holder_id).first()
    if holder is None:
        raise Http404
    submit(
        request,
        EndForm(request.POST),
        lambda d: holder_end(actor=actor, holder_id=holder.pk, until=d["until"]),
        _("The term ends as set."),
    )
    return redirect("web:orgchart_job", tenant=tenant, job_id=holder.job_id)


@require_POST
@tenant_page("orgchart.manage")
def orgchart_deputy_add(request: HttpRequest, tenant: str, job_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    job = job_open(job_id)
    if job is None:
        raise Http404
    submit(
        request,
        DeputyForm(request.POST, prefix="deputy", terms=job_terms(job)),
        lambda d: deputy_set(
            actor=actor,
            job_id=job.pk,
            user_id=d["user"],
            holder_id=d["holder"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            reason=d["reason"],
        ),
        lambda dep: (
            _("%(person)s stands in from %(since)s.") % {"person": person_name(dep.user), "since": dep.starts_on}
        ),
    )
    return redirect("web:orgchart_job", tenant=tenant, job_id=job.pk)


@require_POST
@tenant_page("orgchart.manage")
def orgchart_deputy_end(request: HttpRequest, tenant: str, deputy_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    deputy = Deputy.objects.filter(pk=deputy_id).first()
    if deputy is None:
        raise Http404
    submit(
        request,
        EndForm(request.POST),
        lambda d: deputy_end(actor=actor, deputy_id=deputy.pk, ends_on=d["until"]),
        _("The deputising ends as set."),
    )
    return redirect("web:orgchart_job", tenant=tenant, job_id=deputy.job_id)


# ---------------------------------------------------------------------------------------------------
# The CSV import: upload, preview of what will change, confirm


def _import_page(request: HttpRequest, form: ImportForm, report: ImportReport | None, token: str = "") -> HttpResponse:
    return render(
        request,
        "staff/orgchart_import.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "changes": report.changes[:_SHOWN_CHANGES] if report else [],
            "more_changes": max(0, len(report.changes) - _SHOWN_CHANGES) if report else 0,
            "errors": report.errors[:_SHOWN_ERRORS] if report else [],
            "more_errors": max(0, len(report.errors) - _SHOWN_ERRORS) if report else 0,
            "columns": COLUMNS,
            "capabilities": SignCapability.choices,
        },
    )


def _purge_stale_previews(older_than: timedelta = timedelta(days=1)) -> None:
    """Files of previews never confirmed (the session ended first) are removed a day later."""
    try:
        _dirs, names = default_storage.listdir(_PREVIEW_DIR)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    cutoff = clock.now() - older_than
    for name in names:
        path = f"{_PREVIEW_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def _forget_pending(request: HttpRequest) -> None:
    pending = request.session.pop(_SESSION_KEY, None)
    if pending:
        default_storage.delete(pending["path"])


@tenant_page("orgchart.manage")
def orgchart_import(request: HttpRequest, tenant: str) -> HttpResponse:
    """Upload a file: nothing is written yet; the page shows what would be created and updated, or every error
    with its row, and (when there is none) a button to import it."""
    actor = request.actor  # type: ignore[attr-defined]
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form, None)
    if not form.is_valid():
        form_errors(request, form)
        return _import_page(request, form, None)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_BYTES:
            raise ValidationFailed(
                _("The file is larger than %(limit)s MB; split it into files of at most %(rows)s rows.")
                % {"limit": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}
            )
        data = upload.read(MAX_BYTES + 1)
        name = str(upload.name)[-200:]
        report = orgchart_import_csv(actor=actor, stream=io.BytesIO(data), filename=name, dry_run=True)
    except QuerelaError as exc:
        messages.error(request, exc.message)
        return _import_page(request, ImportForm(), None)
    token = ""
    if report.ok and report.changes:
        _forget_pending(request)
        token = secrets.token_urlsafe(16)
        _purge_stale_previews()
        path = default_storage.save(f"{_PREVIEW_DIR}/{token}.csv", ContentFile(data))
        request.session[_SESSION_KEY] = {
            "token": token,
            "path": path,
            "filename": name,
            "sha256": report.sha256,
            "tenant": request.tenant.code,  # type: ignore[attr-defined]
        }
    return _import_page(request, ImportForm(), report, token)


@require_POST
@tenant_page("orgchart.manage")
def orgchart_import_confirm(request: HttpRequest, tenant: str) -> HttpResponse:
    """Import the previewed file, all or nothing. The file is the one previewed (its SHA-256 is checked)."""
    actor = request.actor  # type: ignore[attr-defined]
    pending = request.session.get(_SESSION_KEY) or {}
    current = request.tenant.code  # type: ignore[attr-defined]
    if not pending or pending.get("token") != request.POST.get("token") or pending.get("tenant") != current:
        messages.error(request, _("This preview is no longer open: upload the file again."))
        return redirect("web:orgchart_import", tenant=tenant)
    try:
        with default_storage.open(pending["path"], "rb") as stored:
            data = stored.read()
    except OSError:
        _forget_pending(request)
        messages.error(request, _("This preview is no longer open: upload the file again."))
        return redirect("web:orgchart_import", tenant=tenant)
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        _forget_pending(request)
        messages.error(request, _("The file changed since the preview: upload it again."))
        return redirect("web:orgchart_import", tenant=tenant)
    try:
        report = orgchart_import_csv(actor=actor, stream=io.BytesIO(data), filename=pending["filename"])
    except QuerelaError as exc:
        messages.error(request, exc.message)
        return redirect("web:orgchart_import", tenant=tenant)
    if not report.applied:
        messages.error(request, _("The chart changed since the preview; nothing was imported. See why below."))
        _forget_pending(request)
        return _import_page(request, ImportForm(), report)
    _forget_pending(request)
    created, updated = sum(report.created.values()), sum(report.updated.values())
    messages.success(
        request,
        _("The org chart was imported: %(created)s created, %(updated)s updated.")
        % {"created": created, "updated": updated},
    )
    return redirect("web:orgchart", tenant=tenant)
