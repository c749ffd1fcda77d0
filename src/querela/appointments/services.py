"""Booking, moving and cancelling visits to a customer office (seed 004: offered within 5 working days)."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock, tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.deadlines.calendar import BusinessCalendar
from querela.tenants.access import Actor, require, system_actor

from .models import Appointment, AppointmentStatus, Office
from .slots import OFFER_WITHIN_WORKING_DAYS, free_slots, offer_deadline
from .tasks import send_appointment_mail

# How far ahead the booking page looks: the 5 working days the rule demands, and as many again.
LOOKAHEAD_WORKING_DAYS = 2 * OFFER_WITHIN_WORKING_DAYS


@functools.lru_cache(maxsize=64)
def _calendar(country: str, closures: frozenset[date], extra: frozenset[date]) -> BusinessCalendar:
    return BusinessCalendar(country, extra_closures=closures, extra_working_days=extra)


def tenant_calendar(tenant: Any) -> BusinessCalendar:
    """The national calendar with the supplier's own closures and extra working days."""
    return _calendar(
        tenant.country,
        frozenset(date.fromisoformat(d) for d in tenant.closures),
        frozenset(date.fromisoformat(d) for d in tenant.extra_working_days),
    )


@dataclass(frozen=True)
class Offer:
    office: Office
    slots: list[datetime]  # local wall-clock times, aware in the tenant's zone
    deadline: date  # the 5th working day after today
    first: datetime | None

    @property
    def within_rule(self) -> bool:
        return self.first is not None and self.first.date() <= self.deadline


def _zone() -> ZoneInfo:
    return clock.tenant_zone(tenancy.current_tenant())


def _booked(office: Office, since: datetime, exclude: int | None = None) -> Counter[datetime]:
    zone = _zone()
    rows = Appointment.objects.filter(office=office, status=AppointmentStatus.BOOKED, starts_at__gte=since)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return Counter(a.astimezone(zone).replace(tzinfo=None) for a in rows.values_list("starts_at", flat=True))


def offer(office: Office, *, exclude: int | None = None) -> Offer:
    """The free times of an office from now, with the day by which one must be offered."""
    tenant = tenancy.current_tenant()
    cal = tenant_calendar(tenant)
    zone = _zone()
    now = clock.now().astimezone(zone).replace(tzinfo=None)
    slots = free_slots(
        now=now,
        is_working_day=cal.is_working_day,
        hours=office.opening_hours,
        slot_minutes=office.slot_minutes,
        capacity=office.capacity,
        booked=_booked(office, clock.now(), exclude),
        days=LOOKAHEAD_WORKING_DAYS,
    )
    aware = [s.replace(tzinfo=zone) for s in slots]
    return Offer(office, aware, offer_deadline(now.date(), cal.is_working_day), aware[0] if aware else None)


def capacity_warnings() -> list[Offer]:
    """Offices that can't offer a visit within 5 working days now: the supervisor's warning."""
    return [o for o in (offer(office) for office in Office.objects.filter(is_active=True)) if not o.within_rule]


def _slot(office: Office, starts_at: str, exclude: int | None = None) -> datetime:
    try:
        wanted = datetime.fromisoformat(starts_at)
    except ValueError:
        raise ValidationFailed(_("Please choose a time from the list."), code="slot_invalid") from None
    zone = _zone()
    wanted = wanted.replace(tzinfo=zone) if wanted.tzinfo is None else wanted.astimezone(zone)
    if wanted not in offer(office, exclude=exclude).slots:
        raise ValidationFailed(_("This time is no longer free. Please choose another one."), code="slot_taken")
    return wanted


def _lock(office_id: int) -> Office:
    office = Office.objects.select_for_update().filter(pk=office_id, is_active=True).first()
    if office is None:
        raise NotFound(_("No such office."))
    return office


def appointment_book(
    *,
    office_id: int,
    starts_at: str,
    matter: str,
    name: str,
    email: str,
    phone: str = "",
    customer_number: str = "",
    language: str = "",
    user: Any = None,
    booked_by: Actor | None = None,
) -> Appointment:
    """Book a visit. The office row is locked while the slot is checked, so two people can't both take
    the last place of a slot. `booked_by`: a member of staff booking for a caller, who may have a phone
    number instead of an e-mail address."""
    tenant = tenancy.current_tenant()
    if booked_by is not None:
        require(booked_by, "appointment.manage")
        if not name.strip() or not (email.strip() or phone.strip()):
            raise ValidationFailed(
                _("Write down the caller's name and a phone number or e-mail address."), code="contact_required"
            )
    elif not name.strip() or not email.strip():
        raise ValidationFailed(_("Your name and e-mail address are needed."), code="contact_required")
    with transaction.atomic():
        office = _lock(office_id)
        start = _slot(office, starts_at)
        appointment = Appointment.objects.create(
            office=office,
            starts_at=start,
            ends_at=start + timedelta(minutes=office.slot_minutes),
            matter=matter[:40],
            name=name.strip()[:200],
            email=email.strip(),
            phone=phone.strip()[:40],
            customer_number=customer_number.strip()[:40],
            language=language,
            requested_at=clock.now(),
            user=user if getattr(user, "is_authenticated", False) else None,
            booked_by_id=booked_by.user_id if booked_by is not None else None,
        )
        audit_record(
            actor=booked_by or system_actor(tenant, label="public site"),
            action="appointment.book",
            object_type="appointment",
            object_id=str(appointment.pk),
            changes={"starts_at": [None, start.isoformat()], "office": [None, office.name]},
        )
        _mail(tenant, appointment, "booked")
    return appointment


def appointment_check_in(*, actor: Actor, appointment_id: int) -> Appointment:
    """The visitor has arrived: the desk marks it (once); audited."""
    require(actor, "appointment.manage")
    with transaction.atomic():
        appointment = _booked_one(appointment_id)
        tenant = tenancy.current_tenant()
        if clock.tenant_date(tenant, appointment.starts_at) != clock.tenant_today(tenant):
            # A visitor arrives on the day of the visit; marking another day's would date the minutes wrong.
            raise ValidationFailed(_("Only today's visitors can be checked in."), code="not_today")
        if appointment.checked_in_at is None:
            appointment.checked_in_at = clock.now()
            appointment.save(update_fields=["checked_in_at"])
            audit_record(
                actor=actor, action="appointment.check_in", object_type="appointment", object_id=str(appointment.pk)
            )
    return appointment


def _mail(tenant: Any, appointment: Appointment, kind: str) -> None:
    if not appointment.email:  # booked by phone without an address: the desk told the caller
        return
    transaction.on_commit(lambda: send_appointment_mail(tenant.pk, appointment.pk, kind))


def _booked_one(appointment_id: int) -> Appointment:
    appointment = Appointment.objects.select_for_update().filter(pk=appointment_id).first()
    if appointment is None:
        raise NotFound(_("No such appointment."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationFailed(_("This appointment was cancelled."), code="cancelled")
    return appointment


def appointment_reschedule(*, appointment_id: int, starts_at: str) -> Appointment:
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        appointment = _booked_one(appointment_id)
        office = _lock(appointment.office_id)
        before = appointment.starts_at
        start = _slot(office, starts_at, exclude=appointment.pk)
        appointment.starts_at, appointment.ends_at = start, start + timedelta(minutes=office.slot_minutes)
        appointment.version += 1
        appointment.save(update_fields=["starts_at", "ends_at", "version"])
        audit_record(
            actor=system_actor(tenant, label="public site"),
            action="appointment.reschedule",
            object_type="appointment",
            object_id=str(appointment.pk),
            changes={"starts_at": [before.isoformat(), start.isoformat()]},
        )
        _mail(tenant, appointment, "rescheduled")
    return appointment


def appointment_cancel(*, appointment_id: int) -> Appointment:
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        appointment = _booked_one(appointment_id)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.version += 1
        appointment.save(update_fields=["status", "version"])
        audit_record(
            actor=system_actor(tenant, label="public site"),
            action="appointment.cancel",
            object_type="appointment",
            object_id=str(appointment.pk),
            changes={"status": [AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED]},
        )
        _mail(tenant, appointment, "cancelled")
    return appointment


def appointments_of_day(*, actor: Actor, day: date, days: int = 1) -> list[Appointment]:
    """The visits of a day (or of `days` days from it) for the office staff, in time order."""
    require(actor, "appointment.view")
    zone = _zone()
    start = datetime.combine(day, datetime.min.time(), zone)
    end = datetime.combine(day + timedelta(days=days), datetime.min.time(), zone)
    return list(
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("office")
        .order_by("starts_at", "office__name")
    )


def office_save(*, actor: Actor, office_id: int | None, values: dict[str, Any]) -> Office:
    require(actor, "tenant.configure")
    with transaction.atomic():
        office = Office.objects.select_for_update().filter(pk=office_id).first() if office_id else Office()
        if office is None:
            raise NotFound(_("No such office."))
        changes = {k: [getattr(office, k, None), v] for k, v in values.items() if getattr(office, k, None) != v}
        for k, v in values.items():
            setattr(office, k, v)
        office.save()
        audit_record(
            actor=actor,
            action="appointment.office",
            object_type="office",
            object_id=str(office.pk),
            changes={k: [str(a), str(b)] for k, (a, b) in changes.items()},
        )
    return office
