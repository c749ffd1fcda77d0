"""The platform operator adds a supplier: the form, a confirmation of what will be created, then the
service (`tenants.onboarding.tenant_onboard`), which does it all in one transaction."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from querela.core.errors import PermissionDenied, QuerelaError, ValidationFailed
from querela.core.ratelimit import client_address
from querela.tenants.access import Actor
from querela.tenants.models import Country, Sector
from querela.tenants.onboarding import OnboardingPlan, tenant_onboard, tenant_onboard_plan
from querela.tenants.roles import Role

from ...decorators import platform_page
from .onboarding_forms import FIELD_OF_CODE, SupplierForm


def _summary(plan: OnboardingPlan) -> list[tuple[str, str, str]]:
    """What will be created, in words: (what, value, where a value left empty came from)."""
    t = plan.tenant
    country = str(Country(t["country"]).label)
    language = str(dict(settings.LANGUAGES).get(t["default_language"], t["default_language"]))
    from_country, from_code = _("from the country"), _("from the short code")
    rows = [
        (_("Short code"), t["code"], ""),
        (_("Name"), t["name"], ""),
        (_("Country"), country, ""),
        (_("Sector"), str(Sector(t["sector"]).label), ""),
        (_("Default language"), language, from_country if "default_language" in plan.defaults else ""),
        (_("Time zone"), t["time_zone"], from_country if "time_zone" in plan.defaults else ""),
        (_("Public holidays"), country, from_country),
        (_("Deadline policy"), t["deadline_policy"], from_country if "deadline_policy" in plan.defaults else ""),
        (_("Complaint mailbox"), t["mailbox"], from_code if "mailbox" in plan.defaults else ""),
        (_("Polled IMAP mailbox"), plan.imap_label or "—", ""),
        (_("First administrator"), f"{plan.admin_name} <{plan.admin_email}>", ""),
    ]
    return rows


def _refused(form: SupplierForm, exc: QuerelaError) -> None:
    field = FIELD_OF_CODE.get(exc.code) if isinstance(exc, ValidationFailed) else None
    form.add_error(field, exc.message)


@platform_page
def platform_tenant_new(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: checked, then the confirmation; POST with `confirmed`: created."""
    actor = Actor(user=request.user, tenant=None, role=Role.PLATFORM_OPERATOR, ip=client_address(request))
    form = SupplierForm(request.POST or None)
    if request.method != "POST" or "edit" in request.POST:
        return render(request, "platform/tenant_new.html", {"form": form}, status=200)
    if form.is_valid():
        try:
            if request.POST.get("confirmed") == "yes":
                created = tenant_onboard(actor=actor, **form.service_values())
                messages.success(
                    request,
                    _("Supplier %(code)s created. %(email)s was mailed an invitation to choose a password.")
                    % {"code": created.tenant.code, "email": created.administrator.email},
                )
                return redirect("web:platform")
            plan: OnboardingPlan = tenant_onboard_plan(actor=actor, **form.service_values())
            context = {"form": form, "plan": plan, "summary": _summary(plan)}
            return render(request, "platform/tenant_confirm.html", context)
        except PermissionDenied as exc:
            return render(request, "error_page.html", {"title": _("Not allowed"), "message": exc.message}, status=403)
        except QuerelaError as exc:
            _refused(form, exc)
    return render(request, "platform/tenant_new.html", {"form": form}, status=400)
