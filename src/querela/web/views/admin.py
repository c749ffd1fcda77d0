"""Tenant administration, the audit log, billing and the platform operator's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from querela.audit.models import AuditEvent
from querela.audit.services import audit_verify
from querela.billing import usage_by_month
from querela.intake.models import ImapMailbox
from querela.tenants.access import is_platform_operator
from querela.tenants.models import Department, Membership, Tenant

from ..decorators import tenant_page


@tenant_page("tenant.configure")
def tenant_admin(request: HttpRequest, tenant: str) -> HttpResponse:
    return render(
        request,
        "web/tenant_admin.html",
        {
            "members": Membership.objects.select_related("user", "department").order_by("role", "user__username"),
            "departments": Department.objects.all(),
            "mailboxes": ImapMailbox.objects.all(),
        },
    )


@tenant_page("audit.view")
def audit_log(request: HttpRequest, tenant: str) -> HttpResponse:
    events = AuditEvent.objects.order_by("-seq")[:200]
    return render(request, "web/audit_log.html", {"events": events, "verify": None})


@require_POST
@tenant_page("audit.verify")
def audit_verify_view(request: HttpRequest, tenant: str) -> HttpResponse:
    result = audit_verify(tenant=request.tenant)  # type: ignore[attr-defined]
    return render(request, "web/audit_verify.html", {"result": result})


@tenant_page("billing.view")
def tenant_billing(request: HttpRequest, tenant: str) -> HttpResponse:
    return render(request, "web/billing.html", {"rows": usage_by_month(request.tenant)})  # type: ignore[attr-defined]


def platform(request: HttpRequest) -> HttpResponse:
    if not is_platform_operator(request.user):
        return redirect("web:home")
    return render(request, "web/platform.html", {"tenants": Tenant.objects.select_related("operator")})
