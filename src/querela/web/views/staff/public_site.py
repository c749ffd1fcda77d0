"""The tenant administrator's page for the public site: contacts, the complaint form's fields, the matter table."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.portal.form_fields import FIELDS, LOCKED, STATES
from querela.portal.models import FormVariant, Matter, PortalProfile, Route
from querela.portal.selectors import matter_table, portal_profile
from querela.portal.services import matter_save, portal_profile_save

from ...decorators import tenant_page
from ...feedback import submit

_CONTACT_FIELDS = (
    "fault_phone",
    "fault_url",
    "fault_email",
    "service_phone",
    "service_email",
    "postal_address",
    "office_address",
    "office_hours",
)


class ContactsForm(forms.ModelForm):  # type: ignore[type-arg]
    fault_url = forms.URLField(label=gettext_lazy("fault report web page"), required=False, assume_scheme="https")

    class Meta:
        model = PortalProfile
        fields = list(_CONTACT_FIELDS)


class MatterForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    text = forms.CharField(label=gettext_lazy("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    route = forms.ChoiceField(label=gettext_lazy("Where it goes"), choices=Route.choices)
    position = forms.IntegerField(label=gettext_lazy("Position"), min_value=0, max_value=32000)
    is_active = forms.BooleanField(label=gettext_lazy("Shown"), required=False)
    by_phone = forms.BooleanField(label=gettext_lazy("May be settled by phone"), required=False)


_STATE_LABELS = {
    "required": gettext_lazy("Required"),
    "optional": gettext_lazy("Optional"),
    "hidden": gettext_lazy("Hidden"),
}


@tenant_page("tenant.configure")
def public_site(request: HttpRequest, tenant: str) -> HttpResponse:
    profile = portal_profile()
    shown = {m.code: m for m in matter_table()}
    matters = [
        (m, shown.get(m.code), MatterForm(prefix=m.code, initial=_matter_initial(m)))
        for m in Matter.objects.order_by("position", "pk")
    ]
    overrides = profile.form_fields or {}
    fields = [
        {"name": n, "locked": n in LOCKED, "state": overrides.get(n, ""), "label": n.replace("_", " ")} for n in FIELDS
    ]
    return render(
        request,
        "staff/public_site.html",
        {
            "contacts": ContactsForm(instance=profile),
            "matters": matters,
            "fields": fields,
            "states": [(s, _STATE_LABELS[s]) for s in STATES],
            "variants": FormVariant.choices,
            "public_url": f"/p/{tenant}/",
        },
    )


def _matter_initial(m: Matter) -> dict[str, object]:
    lang = (translation.get_language() or "en")[:2]
    return {
        "title": m.titles.get(lang, ""),
        "text": m.texts.get(lang, ""),
        "route": m.route,
        "position": m.position,
        "is_active": m.is_active,
        "by_phone": m.by_phone,
    }


@require_POST
@tenant_page("tenant.configure")
def public_site_contacts(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    states = {n: request.POST.get(f"field_{n}", "") for n in FIELDS if n not in LOCKED}
    submit(
        request,
        ContactsForm(request.POST, instance=PortalProfile()),
        lambda d: portal_profile_save(
            actor=actor,
            values={n: d[n] for n in _CONTACT_FIELDS},
            form_fields={n: s for n, s in states.items() if s},
        ),
        _("The public site's settings were saved."),
    )
    return redirect("web:public_site", tenant=tenant)


@require_POST
@tenant_page("tenant.configure")
def public_site_matter(request: HttpRequest, tenant: str, code: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    submit(
        request,
        MatterForm(request.POST, prefix=code),
        lambda d: matter_save(
            actor=actor,
            code=code,
            language=(translation.get_language() or "en")[:2],
            title=d["title"],
            text=d["text"],
            route=d["route"],
            position=d["position"],
            is_active=d["is_active"],
            by_phone=d["by_phone"],
        ),
        _("The matter was saved."),
    )
    return redirect(f"{_public_site_url(tenant)}#matter-{code}")


def _public_site_url(tenant: str) -> str:
    from django.urls import reverse

    return reverse("web:public_site", kwargs={"tenant": tenant})
