"""Staff correct a customer's consumption places and meters (issue 13: administration without raw data).

Every change gives its reason and is audited with the before/after pairs, like the contact data
(`customer_edit`). The record is shown only to those who may see it (`customer.view`); writing needs
`customer.edit`. Places and meters are looked up through the customer in the URL, in this tenant.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from querela.customers.models import ConsumptionPlace, Customer
from querela.customers.selectors import customer_open, meter_of, place_of
from querela.customers.services import PLACE_FIELDS, meter_add, meter_replace, meter_update, place_add, place_update
from querela.remedies.counties import counties_of

from ...decorators import tenant_page
from ...feedback import submit
from .customer_places_forms import MeterForm, MeterReplaceForm, PlaceForm


def _back(tenant: str, customer: Customer) -> HttpResponse:
    return redirect("web:customer_detail", tenant=tenant, customer_id=customer.pk)


def _page(request: HttpRequest, template: str, customer: Customer, form: Any, **extra: Any) -> HttpResponse:
    status = 400 if request.method == "POST" else 200  # only a refused POST renders the form again
    return render(request, template, {"customer": customer, "form": form, **extra}, status=status)


@tenant_page("customer.view", "customer.edit")
def place_new(request: HttpRequest, tenant: str, customer_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    country = request.tenant.country  # type: ignore[attr-defined]
    form = PlaceForm(request.POST or None, country=country, with_meters=True)
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: place_add(actor=actor, customer=customer, **form.place_values()),
        _("Consumption place added."),
    ):
        return _back(tenant, customer)
    return _page(request, "staff/place_form.html", customer, form, place=None, counties=counties_of(country))


@tenant_page("customer.view", "customer.edit")
def place_edit(request: HttpRequest, tenant: str, customer_id: int, place_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    place: ConsumptionPlace = place_of(actor=actor, customer_id=customer.pk, place_id=place_id)
    country = request.tenant.country  # type: ignore[attr-defined]
    initial = {f: getattr(place, f) for f in PLACE_FIELDS}
    form = PlaceForm(request.POST or None, initial=initial, country=country)
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: place_update(actor=actor, place_id=place.pk, **d),
        _("The record was changed."),
    ):
        return _back(tenant, customer)
    return _page(request, "staff/place_form.html", customer, form, place=place, counties=counties_of(country))


@tenant_page("customer.view", "customer.edit")
def meter_new(request: HttpRequest, tenant: str, customer_id: int, place_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    place = place_of(actor=actor, customer_id=customer.pk, place_id=place_id)
    form = MeterForm(request.POST or None, new=True)
    if request.method == "POST" and submit(
        request, form, lambda d: meter_add(actor=actor, place_id=place.pk, **d), _("Meter added.")
    ):
        return _back(tenant, customer)
    return _page(request, "staff/meter_form.html", customer, form, place=place, meter=None, replace=False)


@tenant_page("customer.view", "customer.edit")
def meter_edit(request: HttpRequest, tenant: str, customer_id: int, meter_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    meter = meter_of(actor=actor, customer_id=customer.pk, meter_id=meter_id)
    initial = {f: getattr(meter, f) for f in ("serial", "meter_type", "installed_on", "removed_on")}
    form = MeterForm(request.POST or None, initial=initial)
    if request.method == "POST" and submit(
        request, form, lambda d: meter_update(actor=actor, meter_id=meter.pk, **d), _("The record was changed.")
    ):
        return _back(tenant, customer)
    return _page(request, "staff/meter_form.html", customer, form, place=meter.place, meter=meter, replace=False)


@tenant_page("customer.view", "customer.edit")
def meter_replace_view(request: HttpRequest, tenant: str, customer_id: int, meter_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    meter = meter_of(actor=actor, customer_id=customer.pk, meter_id=meter_id)
    form = MeterReplaceForm(request.POST or None)
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: meter_replace(actor=actor, meter_id=meter.pk, **d),
        lambda new: _("Meter %(old)s replaced by %(new)s.") % {"old": meter.serial, "new": new.serial},
    ):
        return _back(tenant, customer)
    return _page(request, "staff/meter_form.html", customer, form, place=meter.place, meter=meter, replace=True)
