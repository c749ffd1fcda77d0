"""The audit log for supervisors and the tenant administrator: what happened, in words, filtered and
paged by id; and the same, whole, as CSV (streamed; taking it is audited)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from querela.audit.selectors import audit_page
from querela.audit.services import audit_export
from querela.core import clock
from querela.core.numbers import plain_number

from ...decorators import tenant_page
from .audit_forms import AuditFilterForm


@tenant_page("audit.view")
def audit_log(request: HttpRequest, tenant: str) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    page = audit_page(filters=filters, before_id=plain_number(request.GET.get("before")))
    return render(
        request,
        "staff/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": filters.query(),
            "older": filters.query(before=page.older) if page.older else "",
            "zone": request.tenant.time_zone,  # type: ignore[attr-defined]
        },
    )


@tenant_page("audit.view")
def audit_log_csv(request: HttpRequest, tenant: str) -> StreamingHttpResponse:
    filters = AuditFilterForm(request.GET).filters()
    lines = audit_export(actor=request.actor, filters=filters, language=get_language())  # type: ignore[attr-defined]
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = clock.tenant_now(request.tenant).strftime("%Y%m%d-%H%M")  # type: ignore[attr-defined]
    response["Content-Disposition"] = f'attachment; filename="audit-{tenant}-{stamp}.csv"'
    return response
