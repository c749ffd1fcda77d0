"""Customer offices for the tenant administrator; the day's visits for the office staff (seed 004)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.appointments.models import Office
from querela.appointments.services import appointments_of_day, offer, office_save
from querela.appointments.slots import format_hours, parse_hours
from querela.core import clock

from ...decorators import tenant_page
from ...feedback import submit


class OfficeForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300)
    opening_hours = forms.CharField(
        label=gettext_lazy("Opening hours"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One day per line: mon 08:00-12:00 13:00-16:00 (mon, tue, wed, thu, fri, sat, sun)."),
    )
    slot_minutes = forms.IntegerField(label=gettext_lazy("Appointment length (minutes)"), min_value=5, max_value=240)
    capacity = forms.IntegerField(label=gettext_lazy("Customers served at once"), min_value=1, max_value=100)
    is_active = forms.BooleanField(label=gettext_lazy("Open for booking"), required=False)

    def clean_opening_hours(self) -> dict[str, Any]:
        try:
            return parse_hours(self.cleaned_data["opening_hours"])
        except ValueError as exc:
            raise forms.ValidationError(_("This line can't be read: %(line)s") % {"line": exc}) from exc


def _initial(office: Office | None) -> dict[str, Any]:
    if office is None:
        return {
            "opening_hours": "mon 08:00-16:00\ntue 08:00-16:00\nwed 08:00-16:00\nthu 08:00-16:00\nfri 08:00-13:00",
            "slot_minutes": 20,
            "capacity": 1,
            "is_active": True,
        }
    return {
        "name": office.name,
        "address": office.address,
        "opening_hours": format_hours(office.opening_hours),
        "slot_minutes": office.slot_minutes,
        "capacity": office.capacity,
        "is_active": office.is_active,
    }


@tenant_page("tenant.configure")
def offices(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = OfficeForm(request.POST or None, initial=_initial(None))
    if request.method == "POST" and submit(
        request, form, lambda d: office_save(actor=actor, office_id=None, values=d), _("The office was saved.")
    ):
        return redirect("web:offices", tenant=tenant)
    rows = [(o, offer(o)) for o in Office.objects.all()]
    return render(request, "staff/offices.html", {"rows": rows, "form": form})


@tenant_page("tenant.configure")
def office_edit(request: HttpRequest, tenant: str, office_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        from django.http import Http404

        raise Http404
    form = OfficeForm(request.POST or None, initial=_initial(office))
    if request.method == "POST" and submit(
        request, form, lambda d: office_save(actor=actor, office_id=office.pk, values=d), _("The office was saved.")
    ):
        return redirect("web:offices", tenant=tenant)
    return render(request, "staff/office_edit.html", {"office": office, "form": form})


@tenant_page("appointment.view")
def day_list(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    today = clock.tenant_today(request.tenant)  # type: ignore[attr-defined]
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    return render(
        request,
        "staff/appointments_day.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "appointments": appointments_of_day(actor=actor, day=day),
        },
    )
