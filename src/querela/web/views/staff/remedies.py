"""The tenant administrator's page for the remedy bodies an answer names (seeds 000, 004): a form per body."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.remedies.counties import counties_of
from querela.remedies.models import RemedyBody, RemedyKind
from querela.remedies.selectors import remedy_bodies, remedy_body_open
from querela.remedies.services import EDITABLE, remedy_bodies_load, remedy_body_save
from querela.tenants.models import Country

from ...decorators import tenant_page
from ...feedback import submit

_SEPARATORS = re.compile(r"[;,]\s*")


class RemedyBodyForm(forms.Form):
    required_css_class = "required"
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RemedyKind.choices)
    country = forms.ChoiceField(label=gettext_lazy("Country"), choices=Country.choices)
    region = forms.CharField(
        label=gettext_lazy("County/region it serves"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "remedy-counties"}),
        help_text=gettext_lazy("Empty: the whole country."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=120, required=False)
    email = forms.CharField(
        label=gettext_lazy("E-mail"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Several addresses separated by “;”."),
    )
    web = forms.CharField(label=gettext_lazy("Web"), max_length=300, required=False)
    position = forms.IntegerField(label=gettext_lazy("Position"), min_value=0, max_value=32000)
    is_active = forms.BooleanField(label=gettext_lazy("Named in answers"), required=False)
    is_seat = forms.BooleanField(
        label=gettext_lazy("The supplier's seat is in its area"),
        required=False,
        help_text=gettext_lazy("Named when the customer's county is not known, or has no body of this kind on file."),
    )

    def clean_email(self) -> str:
        value: str = self.cleaned_data["email"].strip()
        for address in filter(None, _SEPARATORS.split(value)):
            try:
                validate_email(address)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("Not an e-mail address: %(value)s") % {"value": address}) from exc
        return value

    def clean_web(self) -> str:
        value: str = self.cleaned_data["web"].strip()
        for site in filter(None, _SEPARATORS.split(value)):
            if " " in site or "." not in site:
                raise forms.ValidationError(_("Not a web address: %(value)s") % {"value": site})
        return value


def _initial(body: RemedyBody | None, country: str) -> dict[str, Any]:
    if body is None:
        return {"kind": RemedyKind.CONCILIATION_BODY, "country": country, "position": 500, "is_active": True}
    return {k: getattr(body, k) for k in EDITABLE}


def _page_context(tenant: Any) -> dict[str, Any]:
    return {"counties": counties_of(tenant.country)}


@tenant_page("tenant.configure")
def remedies(request: HttpRequest, tenant: str) -> HttpResponse:
    """Every body on file, and a form to add one."""
    actor = request.actor  # type: ignore[attr-defined]
    current = request.tenant  # type: ignore[attr-defined]
    form = RemedyBodyForm(request.POST or None, initial=_initial(None, current.country))
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: remedy_body_save(actor=actor, body_id=None, values=d),
        _("The body was added."),
    ):
        return redirect("web:remedies", tenant=tenant)
    return render(request, "staff/remedies.html", {"bodies": remedy_bodies(), "form": form, **_page_context(current)})


@tenant_page("tenant.configure")
def remedy_edit(request: HttpRequest, tenant: str, body_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    body = remedy_body_open(body_id)
    if body is None:
        raise Http404
    form = RemedyBodyForm(request.POST or None, initial=_initial(body, body.country))
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: remedy_body_save(actor=actor, body_id=body.pk, values=d),
        _("The body was saved."),
    ):
        return redirect("web:remedies", tenant=tenant)
    return render(
        request,
        "staff/remedy_edit.html",
        {"body": body, "form": form, **_page_context(request.tenant)},  # type: ignore[attr-defined]
    )


@require_POST
@tenant_page("tenant.configure")
def remedies_load(request: HttpRequest, tenant: str) -> HttpResponse:
    """Add the country's preset bodies that are missing (a supplier made before remedies had none)."""
    actor = request.actor  # type: ignore[attr-defined]
    submit(
        request,
        forms.Form(request.POST),
        lambda _d: remedy_bodies_load(actor=actor),
        lambda made: _("%(n)s bodies were added.") % {"n": made},
    )
    return redirect("web:remedies", tenant=tenant)
