"""The data-protection officer's pages (issue 16): the personal-data access log, data-subject exports,
erasure on request (previewed, then confirmed), and the retention schedule with the purge's dry run,
its confirmation and the last run's report."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.core import clock
from querela.core.errors import NotFound, QuerelaError
from querela.core.numbers import plain_number
from querela.privacy.access_log import access_export, access_page
from querela.privacy.erasure import erasure_apply, erasure_plan
from querela.privacy.export import subject_export_download, subject_export_request
from querela.privacy.models import ExportState, PurgeRun
from querela.privacy.purge import plan_confirmable, purge_confirm, purge_dry_run
from querela.privacy.schedule import DocumentType
from querela.privacy.selectors import (
    customer_by_number,
    erasure_requests,
    export_get,
    exports_list,
    people_find,
    periods_shortened_since_last_purge,
    purge_runs,
    retention_months,
    retention_schedule,
)
from querela.privacy.services import ScheduleRefused, retention_set

from ...decorators import tenant_page
from ...feedback import form_errors
from .privacy_forms import AccessFilterForm, ErasureConfirmForm, ErasureFindForm, ExportForm, ScheduleForm

_LABELS = dict(DocumentType.choices)


@tenant_page("privacy.manage")
def privacy_home(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request,
        "staff/privacy_home.html",
        {
            "exports": exports_list(actor=actor, limit=5),
            "erasures": erasure_requests(actor=actor, limit=5),
            "runs": purge_runs(actor=actor),
        },
    )


@tenant_page("privacy.manage")
def privacy_access_log(request: HttpRequest, tenant: str) -> HttpResponse:
    form = AccessFilterForm(request.GET)
    filters = form.filters()
    page = access_page(actor=request.actor, filters=filters, before_id=plain_number(request.GET.get("before")))  # type: ignore[attr-defined]
    return render(
        request,
        "staff/privacy_access_log.html",
        {
            "form": form,
            "page": page,
            "query": filters.query(),
            "older": filters.query(before=page.older) if page.older else "",
            "zone": request.tenant.time_zone,  # type: ignore[attr-defined]
        },
    )


@tenant_page("privacy.manage")
def privacy_people(request: HttpRequest, tenant: str) -> HttpResponse:
    """Find a person's customer id by their name (or address, meter, phone, e-mail): the other pages
    take the id, which a request written by the person rarely gives."""
    query = request.GET.get("q", "")[:200]
    found = people_find(actor=request.actor, query=query) if query.strip() else []  # type: ignore[attr-defined]
    return render(request, "staff/privacy_people.html", {"q": query, "found": found, "searched": bool(query.strip())})


@tenant_page("privacy.manage")
def privacy_access_log_csv(request: HttpRequest, tenant: str) -> StreamingHttpResponse:
    filters = AccessFilterForm(request.GET).filters()
    lines = access_export(actor=request.actor, filters=filters, language=get_language())  # type: ignore[attr-defined]
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = clock.tenant_now(request.tenant).strftime("%Y%m%d-%H%M")  # type: ignore[attr-defined]
    response["Content-Disposition"] = f'attachment; filename="personal-data-access-{tenant}-{stamp}.csv"'
    return response


@tenant_page("privacy.manage")
def privacy_exports(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = ExportForm(request.POST or None, initial={"customer": request.GET.get("customer", "")[:40]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = subject_export_request(
                actor=actor,
                customer_number=data["customer"],
                account=data["account"],
                include_internal=data["include_internal"],
            )
        except QuerelaError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The export is being built."))
            return redirect("web:privacy_export", tenant=tenant, subject_export_id=export.pk)
    return render(
        request,
        "staff/privacy_exports.html",
        {"form": form, "exports": exports_list(actor=actor)},
        status=400 if form.errors else 200,
    )


@tenant_page("privacy.manage")
def privacy_export(request: HttpRequest, tenant: str, subject_export_id: int) -> HttpResponse:
    export = export_get(actor=request.actor, export_id=subject_export_id)  # type: ignore[attr-defined]
    return render(request, "staff/privacy_export.html", {"export": export, "building": _building(export.state)})


@tenant_page("privacy.manage")
def privacy_export_progress(request: HttpRequest, tenant: str, subject_export_id: int) -> HttpResponse:
    """The progress box, polled while the job builds; once done, the page again (HTMX swaps the whole)."""
    export = export_get(actor=request.actor, export_id=subject_export_id)  # type: ignore[attr-defined]
    if not _building(export.state):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "staff/_privacy_export_progress.html", {"export": export})


def _building(state: str) -> bool:
    return state in (ExportState.QUEUED, ExportState.BUILDING)


@tenant_page("privacy.manage")
def privacy_export_download(request: HttpRequest, tenant: str, subject_export_id: int) -> HttpResponseBase:
    export = subject_export_download(actor=request.actor, export_id=subject_export_id)  # type: ignore[attr-defined]
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"personal-data-{tenant}-{export.pk}.zip",
        content_type="application/zip",
    )


@tenant_page("privacy.manage")
def privacy_erasure(request: HttpRequest, tenant: str) -> HttpResponse:
    """Find the customer a request names; the preview follows."""
    actor = request.actor  # type: ignore[attr-defined]
    form = ErasureFindForm(request.GET if "customer" in request.GET else None)
    if form.is_bound and form.is_valid():
        try:
            customer = customer_by_number(actor=actor, number=form.cleaned_data["customer"])
        except NotFound as exc:
            form.add_error("customer", exc.message)
        else:
            return redirect("web:privacy_erasure_preview", tenant=tenant, customer_id=customer.pk)
    return render(
        request,
        "staff/privacy_erasure.html",
        {"form": form, "requests": erasure_requests(actor=actor)},
        status=400 if form.errors else 200,
    )


@tenant_page("privacy.manage")
def privacy_erasure_preview(request: HttpRequest, tenant: str, customer_id: int) -> HttpResponse:
    """What an erasure would keep (with the day it may go) and what it would anonymise or delete; the
    officer confirms with the reason, and the digest of what they saw."""
    actor = request.actor  # type: ignore[attr-defined]
    form = ErasureConfirmForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                done = erasure_apply(
                    actor=actor,
                    customer_id=customer_id,
                    reason=form.cleaned_data["reason"],
                    digest=form.cleaned_data["digest"],
                )
            except QuerelaError as exc:
                messages.error(request, exc.message)
            else:
                if done.held_until or done.held_open:
                    messages.success(request, _("Erased, except what the law keeps: the daily job finishes it then."))
                else:
                    messages.success(request, _("Erased."))
                return redirect("web:privacy_erasure", tenant=tenant)
        else:
            form_errors(request, form)
    plan = erasure_plan(actor=actor, customer_id=customer_id)
    confirm = ErasureConfirmForm(
        initial={"digest": plan.digest, "reason": request.POST.get("reason", "")}
        if request.method == "POST"
        else {"digest": plan.digest}
    )
    return render(
        request,
        "staff/privacy_erasure_preview.html",
        {"plan": plan, "form": confirm, "counts": _count_rows(plan.counts)},
        status=400 if request.method == "POST" else 200,
    )


def _count_rows(counts: dict[str, int]) -> list[tuple[str, int]]:
    labels = {
        "complaints": _("Complaints anonymised"),
        "attachments": _("Files deleted"),
        "minutes": _("Minutes deleted"),
        "letters": _("Letters deleted"),
        "mail": _("E-mails as received deleted"),
        "calls": _("Calls no longer linked (recordings already deleted)"),
        "places": _("Consumption places anonymised"),
        "meters": _("Meter serial numbers replaced"),
        "representatives": _("Representatives deleted, with their powers of attorney"),
        "invoices": _("Invoices deleted"),
        "appointments": _("Past appointments anonymised"),
        "record": _("The customer record anonymised"),
        "account": _("The online account closed"),
    }
    return [(labels[k], v) for k, v in counts.items() if k in labels]


@tenant_page("privacy.manage")
def privacy_retention(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    runs = purge_runs(actor=actor)
    form = ScheduleForm(request.POST or None, months=retention_months())
    if request.method == "POST" and form.is_valid():
        try:
            changed = retention_set(actor=actor, months=form.months(), reason=form.cleaned_data["reason"])
        except ScheduleRefused as exc:
            for kind, message in exc.errors.items():
                form.add_error(kind if kind in form.fields else None, message)
        except QuerelaError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("The periods were saved.") if changed else _("Nothing changed."))
            return redirect("web:privacy_retention", tenant=tenant)
    return render(
        request,
        "staff/privacy_retention.html",
        {
            "form": form,
            "schedule": retention_schedule(actor=actor),
            "runs": runs,
            "dry_rows": _report_rows(runs.last_dry),
            "real_rows": _report_rows(runs.last_real),
            "shortened": [str(_LABELS.get(kind, kind)) for kind in periods_shortened_since_last_purge()],
            "confirmable": plan_confirmable(runs.last_dry),
        },
        status=400 if form.errors else 200,
    )


def _report_rows(run: PurgeRun | None) -> list[tuple[str, int, int, str | None]]:
    """A run's report as the page's table: each document type by its label."""
    if run is None:
        return []
    return [
        (str(_LABELS.get(kind, _("Print batches' PDFs"))), row["due"], row["done"], row["oldest_kept"])
        for kind, row in run.report.items()
    ]


@require_POST
@tenant_page("privacy.manage")
def privacy_purge_dry_run(request: HttpRequest, tenant: str) -> HttpResponse:
    purge_dry_run(actor=request.actor)  # type: ignore[attr-defined]
    messages.success(request, _("Dry run done: nothing was removed. Its report is below."))
    return redirect("web:privacy_retention", tenant=tenant)


@require_POST
@tenant_page("privacy.manage")
def privacy_purge_confirm(request: HttpRequest, tenant: str) -> HttpResponse:
    try:
        purge_confirm(actor=request.actor, plan_id=plain_number(request.POST.get("plan")) or 0)  # type: ignore[attr-defined]
    except QuerelaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The purge has started: its report replaces the last run's below."))
    return redirect("web:privacy_retention", tenant=tenant)
