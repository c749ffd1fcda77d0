"""Customer offices for the tenant administrator; the day's visits for the office staff (seed 004)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.appointments.models import Office
from querela.appointments.services import (
    appointment_book,
    appointment_check_in,
    appointments_of_day,
    offer,
    office_save,
)
from querela.appointments.slots import by_day, format_hours, parse_hours
from querela.core import clock, tenancy
from querela.core.errors import QuerelaError
from querela.portal.selectors import matter_table
from querela.tenants.access import can

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
    """The day's visits, or the week's (`?week=1`), with check-in at the desk."""
    actor = request.actor  # type: ignore[attr-defined]
    today = clock.tenant_today(request.tenant)  # type: ignore[attr-defined]
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    week = request.GET.get("week") == "1"
    if week:
        day -= timedelta(days=day.weekday())  # from Monday
    step = timedelta(days=7 if week else 1)
    return render(
        request,
        "staff/appointments_day.html",
        {
            "day": day,
            "week": week,
            "last_day": day + step - timedelta(days=1),
            "previous": day - step,
            "next": day + step,
            "appointments": appointments_of_day(actor=actor, day=day, days=7 if week else 1),
            "may_manage": can(actor, "appointment.manage"),
        },
    )


@require_POST
@tenant_page("appointment.manage")
def check_in(request: HttpRequest, tenant: str, appointment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        a = appointment_check_in(actor=actor, appointment_id=appointment_id)
    except QuerelaError as exc:
        messages.error(request, exc.message)
        return redirect("web:appointments_day", tenant=tenant)
    messages.success(request, _("%(name)s has arrived.") % {"name": a.name})
    local = a.starts_at.astimezone(clock.tenant_zone(request.tenant))  # type: ignore[attr-defined]
    return redirect(f"{reverse('web:appointments_day', kwargs={'tenant': tenant})}?day={local.date().isoformat()}")


class CallerForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=gettext_lazy("Caller's name"), max_length=200)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail (the confirmation goes here)"), required=False)
    customer_number = forms.CharField(label=gettext_lazy("Customer id"), max_length=40, required=False)
    matter = forms.ChoiceField(label=gettext_lazy("Matter"), required=False)


@tenant_page("appointment.manage")
def book_for_caller(request: HttpRequest, tenant: str) -> HttpResponse:
    """A caller on the phone asks for a visit: the same free times and 5-working-day rule as online."""
    actor = request.actor  # type: ignore[attr-defined]
    offices = list(Office.objects.filter(is_active=True))
    if not offices:
        messages.error(request, _("No office is open for booking."))
        return redirect("web:appointments_day", tenant=tenant)
    wanted = request.POST.get("office") or request.GET.get("office")
    office = next((o for o in offices if str(o.pk) == wanted), offices[0])
    form = CallerForm(request.POST or None)
    form.fields["matter"].choices = [("", "—")] + [  # type: ignore[attr-defined]
        (m.code, m.title) for m in matter_table() if m.route == "in_person"
    ]
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: appointment_book(
            office_id=office.pk,
            starts_at=request.POST.get("slot", ""),
            matter=d["matter"],
            name=d["name"],
            email=d["email"],
            phone=d["phone"],
            customer_number=d["customer_number"],
            language=translation.get_language() or "",
            booked_by=actor,
        ),
        _("The visit was booked."),
    ):
        return redirect(_day_of(tenant, request.POST.get("slot", "")))
    o = offer(office)
    days = by_day(o.slots)
    chosen_day: date | None
    try:
        chosen_day = date.fromisoformat(request.POST.get("day") or request.GET.get("day") or "")
    except ValueError:
        chosen_day = next(iter(days), None)
    return render(
        request,
        "staff/appointment_book.html",
        {
            "form": form,
            "offer": o,
            "offices": offices,
            "days": days,
            "day": chosen_day if chosen_day in days else None,
            "chosen": request.POST.get("slot", ""),
        },
    )


def _day_of(tenant: str, slot: str) -> str:
    """The day list of the day just booked (the desk checks what it booked, not today's list)."""
    url = reverse("web:appointments_day", kwargs={"tenant": tenant})
    try:
        moment = datetime.fromisoformat(slot)
    except ValueError:
        return url
    zone = clock.tenant_zone(tenancy.current_tenant())
    local = moment.astimezone(zone) if moment.tzinfo else moment
    return f"{url}?day={local.date().isoformat()}"
