"""Tenant administration, the audit chain's check, billing and the platform operator's page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.audit.verify import audit_verify
from querela.complaints.deadline_policies import policy_for, policy_preview, policy_save
from querela.complaints.models import DeadlinePolicy
from querela.core import clock
from querela.core.errors import QuerelaError
from querela.deadlines.policies import PRESETS
from querela.intake.models import ImapMailbox, InboundMessage
from querela.reports.usage import usage_by_month
from querela.tenants.models import Department, Membership, Tenant
from querela.tenants.roles import Role
from querela.tenants.services import department_create, membership_deactivate, membership_set, tenant_configure
from querela.tenants.tokens import api_token_issue

from ..decorators import platform_page, tenant_page
from ..feedback import refuse_on_form
from ..forms import STEP_LABELS, DepartmentForm, PolicyForm, StaffForm, TenantSettingsForm

MB = 1024 * 1024


def _policy_names() -> list[str]:
    saved = DeadlinePolicy.objects.values_list("name", flat=True).distinct()
    return sorted({*PRESETS, *saved})


def _settings_form(tenant: Tenant, data: Any = None) -> TenantSettingsForm:
    initial = {
        "default_language": tenant.default_language,
        "time_zone": tenant.time_zone,
        "deadline_policy": tenant.deadline_policy,
        "reminder_working_days": tenant.reminder_working_days,
        "max_attachment_mb": max(1, tenant.max_attachment_bytes // MB),
        "allowed_attachment_types": ", ".join(tenant.allowed_attachment_types),
        "closures": "\n".join(tenant.closures),
        "extra_working_days": "\n".join(tenant.extra_working_days),
        "answer_footer": tenant.answer_footer,
        "extension_needs_approval": tenant.extension_needs_approval,
    }
    return TenantSettingsForm(data, initial=initial, policies=_policy_names())


def _staff_form(data: Any = None) -> StaffForm:
    roles = [(r.value, r.label) for r in Role if r != Role.PLATFORM_OPERATOR]
    departments = [(d.pk, d.name) for d in Department.objects.order_by("name")]
    return StaffForm(data, roles=roles, departments=departments)


@tenant_page("tenant.configure")
def tenant_admin(request: HttpRequest, tenant: str) -> HttpResponse:
    return _admin_page(request)


def _admin_page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The administrator's page; `forms` puts a refused form back with its errors and what was typed."""
    t = request.tenant  # type: ignore[attr-defined]
    policies = [
        {
            "name": name,
            "versions": list(DeadlinePolicy.objects.filter(name=name).order_by("-version")[:5]),
            "preset": name in PRESETS,
        }
        for name in _policy_names()
    ]
    return render(
        request,
        "web/tenant_admin.html",
        {
            "members": Membership.objects.select_related("user", "department").order_by(
                "-is_active", "role", "user__username"
            ),
            "departments": Department.objects.all(),
            "mailboxes": ImapMailbox.objects.all(),
            "mail_counts": dict(
                InboundMessage.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
            ),
            "settings_form": _settings_form(t),
            "department_form": DepartmentForm(),
            "staff_form": _staff_form(),
            "policies": policies,
            **forms,
        },
        status=status,
    )


def _back_to_admin(request: HttpRequest, form: Any, run: Any, name: str) -> HttpResponse:
    """Run the service with the cleaned form and go back to the page; a refusal shows the page again with
    this form as it was sent (under `name`), the reason beside its field."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except QuerelaError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:tenant_admin", tenant=request.tenant.code)  # type: ignore[attr-defined]
    return _admin_page(request, status=400, **{name: form})


@require_POST
@tenant_page("tenant.configure")
def tenant_settings(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]

    def run(d: dict[str, Any]) -> None:
        mb = d.pop("max_attachment_mb")
        tenant_configure(actor=actor, max_attachment_bytes=mb * MB, **d)

    form = _settings_form(request.tenant, request.POST)  # type: ignore[attr-defined]
    return _back_to_admin(request, form, run, "settings_form")


@require_POST
@tenant_page("department.manage")
def department_add(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    run = lambda d: department_create(actor=actor, **d)  # noqa: E731
    return _back_to_admin(request, DepartmentForm(request.POST), run, "department_form")


@require_POST
@tenant_page("staff.manage")
def staff_add(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]

    def run(d: dict[str, Any]) -> None:
        membership_set(actor=actor, department_id=d.pop("department"), **d)

    return _back_to_admin(request, _staff_form(request.POST), run, "staff_form")


@require_POST
@tenant_page("staff.manage")
def staff_deactivate(request: HttpRequest, tenant: str, membership_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        membership_deactivate(actor=actor, membership_id=membership_id)
        messages.success(request, _("The role was removed."))
    except QuerelaError as exc:
        messages.error(request, exc.message)
    return redirect("web:tenant_admin", tenant=tenant)


@tenant_page("tenant.configure")
def policy_edit(request: HttpRequest, tenant: str, name: str) -> HttpResponse:
    """Copy a preset (or the newest saved version) and edit it in a form; "Preview" shows the due dates
    for a sample receipt without saving; each save is a new version."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        current, version = policy_for(request.tenant, name)  # type: ignore[attr-defined]
    except QuerelaError as exc:
        raise Http404(exc.message) from exc
    form = PolicyForm(request.POST or None, current=current.to_dict())
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                received = form.cleaned_data["sample_received"] or clock.now()
                preview = [
                    (STEP_LABELS.get(step, step), due)
                    for step, due in policy_preview(request.tenant, form.definition(), received)  # type: ignore[attr-defined]
                ]
            else:
                target = form.cleaned_data["save_as"] or name
                row = policy_save(actor=actor, name=target, definition=form.definition(), new=target != name)
                messages.success(
                    request, _("Saved %(name)s, version %(version)s.") % {"name": target, "version": row.version}
                )
                return redirect("web:policy_edit", tenant=tenant, name=target)
        except QuerelaError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "web/policy_edit.html",
        {"form": form, "name": name, "version": version, "policy": current, "preview": preview},
    )


@tenant_page("api.token")
def api_token(request: HttpRequest, tenant: str) -> HttpResponse:
    """Issue a token for an integration; it is shown once, on this page."""
    token = api_token_issue(actor=request.actor) if request.method == "POST" else ""  # type: ignore[attr-defined]
    days = settings.QUERELA["API_TOKEN_DAYS"]
    return render(request, "web/api_token.html", {"token": token, "token_days": days})


@require_POST
@tenant_page("audit.verify")
def audit_verify_view(request: HttpRequest, tenant: str) -> HttpResponse:
    result = audit_verify(tenant=request.tenant)  # type: ignore[attr-defined]
    return render(request, "web/audit_verify.html", {"result": result})


@tenant_page("billing.view")
def tenant_billing(request: HttpRequest, tenant: str) -> HttpResponse:
    return render(request, "web/billing.html", {"rows": usage_by_month(request.tenant)})  # type: ignore[attr-defined]


@platform_page
def platform(request: HttpRequest) -> HttpResponse:
    return render(request, "web/platform.html", {"tenants": Tenant.objects.select_related("operator")})
