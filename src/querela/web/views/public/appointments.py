"""Booking a visit to the customer office (seed 004): a day, then a time; cancel or move it by the mailed link."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.appointments.links import manage_read, manage_token
from querela.appointments.mails import calendar_file
from querela.appointments.models import Appointment, Office
from querela.appointments.services import Offer, appointment_book, appointment_cancel, appointment_reschedule, offer
from querela.appointments.slots import by_day
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address, hit
from querela.portal.selectors import matter_find, portal_profile

from ...decorators import public_page


class BookingForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    customer_number = forms.CharField(
        label=gettext_lazy("Customer id (printed on your bill)"), max_length=40, required=False
    )


def _office(request: HttpRequest) -> tuple[Office, list[Office]]:
    offices = list(Office.objects.filter(is_active=True))
    if not offices:
        raise Http404
    wanted = request.POST.get("office") or request.GET.get("office")
    chosen = next((o for o in offices if str(o.pk) == wanted), offices[0])
    return chosen, offices


def _day(request: HttpRequest, days: dict[date, list[datetime]]) -> date | None:
    raw = request.POST.get("day") or request.GET.get("day") or ""
    try:
        wanted = date.fromisoformat(raw)
    except ValueError:
        return None
    return wanted if wanted in days else None


def _context(request: HttpRequest, o: Offer, offices: list[Office], **extra: Any) -> dict[str, Any]:
    days = by_day(o.slots)
    return {
        "offer": o,
        "offices": offices,
        "days": days,
        "day": _day(request, days),
        "profile": portal_profile(),
        **extra,
    }


@public_page
def appointment_book_view(request: HttpRequest, code: str) -> HttpResponse:
    matter = matter_find(request.POST.get("matter") or request.GET.get("matter") or "")
    office, offices = _office(request)
    o = offer(office)
    form = BookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not hit("appointment", client_address(request), setting="RATE_LIMIT_PUBLIC_FORM"):
            form.add_error(None, _("Many forms were sent from your network in a short time. Please try again later."))
            status = 429
        elif form.is_valid():
            d = form.cleaned_data
            try:
                appointment = appointment_book(
                    office_id=office.pk,
                    starts_at=request.POST.get("slot", ""),
                    matter=matter.code if matter else "",
                    name=d["name"],
                    email=d["email"],
                    phone=d["phone"],
                    customer_number=d["customer_number"],
                    language=translation.get_language() or "",
                    user=request.user,
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
                o = offer(office)
            else:
                token = manage_token(code, appointment.pk)
                return redirect(reverse("web:appointment_manage", kwargs={"code": code, "token": token}) + "?booked=1")
        status = max(status, 400) if form.errors else status
    return render(
        request,
        "public/appointment_book.html",
        _context(request, o, offices, form=form, matter=matter, chosen=request.POST.get("slot", "")),
        status=status,
    )


def _appointment(code: str, token: str) -> Appointment:
    appointment_id = manage_read(code, token)
    appointment = (
        Appointment.objects.filter(pk=appointment_id).select_related("office").first() if appointment_id else None
    )
    if appointment is None:
        raise Http404
    return appointment


@public_page
def appointment_manage(request: HttpRequest, code: str, token: str) -> HttpResponse:
    appointment = _appointment(code, token)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "cancel":
                appointment_cancel(appointment_id=appointment.pk)
                return redirect(request.path + "?cancelled=1")
            appointment_reschedule(appointment_id=appointment.pk, starts_at=request.POST.get("slot", ""))
            return redirect(request.path + "?moved=1")
        except ValidationFailed as exc:
            error = exc.message
    o = offer(appointment.office, exclude=appointment.pk)
    return render(
        request,
        "public/appointment_manage.html",
        _context(
            request,
            o,
            [appointment.office],
            appointment=appointment,
            error=error,
            booked="booked" in request.GET,
            moved="moved" in request.GET,
            cancelled="cancelled" in request.GET,
            confirm_cancel="cancel" in request.GET,
        ),
        status=400 if error else 200,
    )


@public_page
def appointment_ics(request: HttpRequest, code: str, token: str) -> HttpResponse:
    appointment = _appointment(code, token)
    response = HttpResponse(calendar_file(request.tenant, appointment), content_type="text/calendar")  # type: ignore[attr-defined]
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
