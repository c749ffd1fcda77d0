"""Writes of customers and consumption places, audited with before/after values."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.core.uploads import check_upload, hash_stream, safe_storage_name
from querela.edit_rules.services import check_changes
from querela.tenants.access import Actor, require

from .models import ConsumptionPlace, Customer, Meter, Representative, ServiceType

CUSTOMER_FIELDS = ("customer_number", "name", "phone", "email", "preferred_channel", "mailing_address", "language")


def customer_create(*, actor: Actor, customer_number: str, name: str, **fields: Any) -> Customer:
    require(actor, "customer.edit")
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if not customer_number.strip() or not name.strip():
        raise ValidationFailed(_("Customer id and name are required."))
    if fields.get("preferred_channel", Channel.EMAIL) not in Channel.values:
        raise ValidationFailed(_("Unknown channel."))
    try:
        with transaction.atomic():
            customer = Customer.objects.create(customer_number=customer_number.strip(), name=name.strip(), **fields)
            audit_record(
                actor=actor,
                action="customer.create",
                object_type="customer",
                object_id=customer.customer_number,
                changes={k: [None, v] for k, v in {"name": name, **fields}.items()},
            )
    except IntegrityError as exc:
        raise ValidationFailed(_("A customer with this customer id already exists."), code="duplicate") from exc
    return customer


def customer_update(*, actor: Actor, customer_id: int, reason: str, **fields: Any) -> Customer:
    """Staff correct a customer's record; every change says why (seed 003: who may change received
    data, and on what grounds), and the before/after pairs and the reason are audited."""
    require(actor, "customer.edit")
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        if customer is None:
            raise NotFound(_("Customer not found."))
        changes = {k: [getattr(customer, k), v] for k, v in fields.items() if getattr(customer, k) != v}
        check_changes(actor, "customer", changes)  # the tenant's edit matrix: who may change which field
        if changes and not reason.strip():
            raise ValidationFailed(_("Say why the record changes."), code="reason_required")
        for k, v in fields.items():
            setattr(customer, k, v)
        customer.save()
        if changes:
            audit_record(
                actor=actor,
                action="customer.update",
                object_type="customer",
                object_id=customer.customer_number,
                changes={**changes, "reason": reason.strip()[:500]},
            )
    return customer


def _reason(reason: str) -> str:
    """Every correction of a record says why (seed 003: who may change received data, and on what grounds)."""
    text = reason.strip()
    if not text:
        raise ValidationFailed(_("Say why the record changes."), code="reason_required")
    return text[:500]


def _serials_taken(serials: tuple[str, ...], *, besides: int | None = None) -> None:
    """A meter serial names one meter in the supplier (identification reads it case-blind): refuse a clash
    with the serials as they are on file."""
    taken = Meter.objects.all()
    if besides is not None:
        taken = taken.exclude(pk=besides)
    query = Q()
    for serial in serials:
        query |= Q(serial__iexact=serial)
    found = list(taken.filter(query).values_list("serial", flat=True)) if serials else []
    if found:
        raise ValidationFailed(
            _("Meter %(serials)s is already registered at another consumption place.") % {"serials": ", ".join(found)},
            code="duplicate_meter",
        )


def _place_values(
    address: str, postal_code: str, city: str, region: str, service_type: str, *, complete: bool = True
) -> dict[str, str]:
    if service_type not in ServiceType.values:
        raise ValidationFailed(_("Unknown service type."))
    values = {
        "address": address.strip(),
        "postal_code": postal_code.strip(),
        "city": city.strip(),
        "region": region.strip(),
        "service_type": service_type,
    }
    if complete and not (values["address"] and values["postal_code"] and values["city"]):
        raise ValidationFailed(
            _("A consumption place needs its postal code, city and service."), code="place_incomplete"
        )
    return values


def place_add(
    *,
    actor: Actor,
    customer: Customer,
    address: str,
    postal_code: str,
    city: str,
    service_type: str,
    region: str = "",
    meter_serials: tuple[str, ...] = (),
    reason: str | None = None,
) -> ConsumptionPlace:
    """A consumption place with its meters. Added to an existing record it says why (`reason`); made
    with a new customer (`reason` None) the creation is the reason."""
    require(actor, "customer.edit")
    why = _reason(reason) if reason is not None else None
    # A place typed on a staff page is whole; the API's and the new-customer form's rules stay their own.
    values = _place_values(address, postal_code, city, region, service_type, complete=why is not None)
    once: dict[str, str] = {}  # "A1, a1" is one meter: serials are read case-blind
    for given in meter_serials:
        if given.strip():
            once.setdefault(given.strip().upper(), given.strip())
    meter_serials = tuple(once.values())
    _serials_taken(meter_serials)
    address, postal_code, city, region = values["address"], values["postal_code"], values["city"], values["region"]
    with transaction.atomic():
        place = ConsumptionPlace.objects.create(
            customer=customer,
            address=address,
            postal_code=postal_code,
            city=city,
            region=region,
            service_type=service_type,
        )
        for serial in meter_serials:
            Meter.objects.create(place=place, serial=serial)
        audit_record(
            actor=actor,
            action="place.create",
            object_type="customer",
            object_id=customer.customer_number,
            changes={
                "place": [None, str(place)],
                "meters": [None, list(meter_serials)],
                **({"reason": why} if why is not None else {}),
            },
        )
    return place


PLACE_FIELDS = ("address", "postal_code", "city", "region", "service_type")


def place_update(*, actor: Actor, place_id: int, reason: str, **fields: Any) -> ConsumptionPlace:
    """Correct a consumption place's address, county or service. The county decides which conciliation
    body an answer names (remedies), so a wrong one is worth a correction; audited with before/after."""
    require(actor, "customer.edit")
    unknown = set(fields) - set(PLACE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        place = ConsumptionPlace.objects.select_for_update().select_related("customer").filter(pk=place_id).first()
        if place is None:
            raise NotFound(_("Consumption place not found."))
        current = {k: getattr(place, k) for k in PLACE_FIELDS}
        values = _place_values(**{**current, **fields})
        changes: dict[str, Any] = {k: [current[k], v] for k, v in values.items() if current[k] != v}
        if not changes:
            return place
        check_changes(actor, "place", changes)
        why = _reason(reason)
        label = str(place)
        for k, v in values.items():
            setattr(place, k, v)
        place.save()
        audit_record(
            actor=actor,
            action="place.update",
            object_type="customer",
            object_id=place.customer.customer_number,
            changes={"place": label, **changes, "reason": why},
        )
    return place


def _meter_dates(installed_on: date | None, removed_on: date | None, today: date) -> None:
    if installed_on is not None and installed_on > today:
        raise ValidationFailed(_("A meter can't be installed after today."), code="meter_date")
    if removed_on is not None and removed_on > today:
        raise ValidationFailed(_("A meter can't be removed after today."), code="meter_date")
    if installed_on is not None and removed_on is not None and removed_on < installed_on:
        raise ValidationFailed(_("A meter can't be removed before it was installed."), code="meter_date")


def _meter_create(place: ConsumptionPlace, serial: str, meter_type: str, installed_on: date | None) -> Meter:
    try:
        with transaction.atomic():  # a savepoint: a serial taken meanwhile is the same clear refusal
            return Meter.objects.create(
                place=place, serial=serial, meter_type=meter_type.strip(), installed_on=installed_on
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("Meter %(serials)s is already registered at another consumption place.") % {"serials": serial},
            code="duplicate_meter",
        ) from exc


def meter_add(
    *,
    actor: Actor,
    place_id: int,
    serial: str,
    reason: str,
    meter_type: str = "",
    installed_on: date | None = None,
) -> Meter:
    """A meter at a consumption place (a new one, or one the record never had)."""
    require(actor, "customer.edit")
    why = _reason(reason)
    serial = serial.strip()
    if not serial:
        raise ValidationFailed(_("Give the meter serial number."), code="serial_required")
    with transaction.atomic():
        place = ConsumptionPlace.objects.select_for_update().select_related("customer").filter(pk=place_id).first()
        if place is None:
            raise NotFound(_("Consumption place not found."))
        _meter_dates(installed_on, None, clock.tenant_today(place.tenant))
        _serials_taken((serial,))
        meter = _meter_create(place, serial, meter_type, installed_on)
        audit_record(
            actor=actor,
            action="meter.add",
            object_type="customer",
            object_id=place.customer.customer_number,
            changes={
                "place": str(place),
                "meter": serial,
                "meter_type": [None, meter.meter_type],
                "installed_on": [None, installed_on],
                "reason": why,
            },
        )
    return meter


METER_FIELDS = ("serial", "meter_type", "installed_on", "removed_on")


def _locked_meter(meter_id: int) -> Meter:
    meter = Meter.objects.select_for_update().select_related("place__customer").filter(pk=meter_id).first()
    if meter is None:
        raise NotFound(_("Meter not found."))
    return meter


def meter_update(*, actor: Actor, meter_id: int, reason: str, **fields: Any) -> Meter:
    """Correct what the record says of a meter (a mistyped serial, its type, when it was installed or
    taken out); replacing it by another meter is `meter_replace`."""
    require(actor, "customer.edit")
    unknown = set(fields) - set(METER_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "serial" in fields:
        fields["serial"] = fields["serial"].strip()
        if not fields["serial"]:
            raise ValidationFailed(_("Give the meter serial number."), code="serial_required")
    if "meter_type" in fields:
        fields["meter_type"] = fields["meter_type"].strip()
    with transaction.atomic():
        meter = _locked_meter(meter_id)
        before = {k: getattr(meter, k) for k in METER_FIELDS}
        after = {**before, **fields}
        changes: dict[str, Any] = {k: [before[k], v] for k, v in fields.items() if before[k] != v}
        if not changes:
            return meter
        check_changes(actor, "meter", changes)
        why = _reason(reason)
        _meter_dates(after["installed_on"], after["removed_on"], clock.tenant_today(meter.tenant))
        if "serial" in changes:
            _serials_taken((after["serial"],), besides=meter.pk)
        for k, v in fields.items():
            setattr(meter, k, v)
        try:
            with transaction.atomic():
                meter.save()
        except IntegrityError as exc:
            raise ValidationFailed(
                _("Meter %(serials)s is already registered at another consumption place.")
                % {"serials": after["serial"]},
                code="duplicate_meter",
            ) from exc
        audit_record(
            actor=actor,
            action="meter.update",
            object_type="customer",
            object_id=meter.place.customer.customer_number,
            changes={"place": str(meter.place), "meter": meter.serial, **changes, "reason": why},
        )
    return meter


def meter_replace(
    *,
    actor: Actor,
    meter_id: int,
    removed_on: date,
    serial: str,
    reason: str,
    meter_type: str = "",
    installed_on: date | None = None,
) -> Meter:
    """Another meter took this one's place: the old one is kept on the record, removed on that day (old
    bills and complaints quote it), and the new one is installed, on the same day unless told otherwise."""
    require(actor, "customer.edit")
    why = _reason(reason)
    serial = serial.strip()
    if not serial:
        raise ValidationFailed(_("Give the new meter's serial number."), code="serial_required")
    installed_on = installed_on or removed_on
    with transaction.atomic():
        old = _locked_meter(meter_id)
        check_changes(actor, "meter", ["removed_on"])  # the old meter's removal day is written
        if old.removed_on is not None:
            raise ValidationFailed(
                _("This meter was removed on %(day)s already: add the new meter to the consumption place instead.")
                % {"day": old.removed_on.isoformat()},
                code="meter_removed",
            )
        today = clock.tenant_today(old.tenant)
        _meter_dates(old.installed_on, removed_on, today)
        _meter_dates(installed_on, None, today)
        if installed_on < removed_on:
            raise ValidationFailed(
                _("The new meter can't be installed before the old one was removed."), code="meter_date"
            )
        _serials_taken((serial,))
        old.removed_on = removed_on
        old.save(update_fields=["removed_on"])
        new = _meter_create(old.place, serial, meter_type, installed_on)
        audit_record(
            actor=actor,
            action="meter.replace",
            object_type="customer",
            object_id=old.place.customer.customer_number,
            changes={
                "place": str(old.place),
                "meter": [old.serial, new.serial],
                "meter_type": [old.meter_type, new.meter_type],
                "removed_on": removed_on,
                "installed_on": installed_on,
                "reason": why,
            },
        )
    return new


def customer_create_with_place(*, actor: Actor, customer: dict[str, Any], place: dict[str, Any]) -> Customer:
    """A new customer and, when an address is given, their consumption place with its meters: all or nothing."""
    with transaction.atomic():
        created = customer_create(actor=actor, **customer)
        place = dict(place)
        given = place.pop("meter_serials", "")
        if place.get("address"):
            # A form gives "M-1, M-2"; code gives a sequence.
            items = given.split(",") if isinstance(given, str) else given
            serials = tuple(s.strip() for s in items if s.strip())
            place_add(actor=actor, customer=created, meter_serials=serials, **place)
    return created


def representative_add(
    *,
    actor: Actor,
    customer: Customer,
    name: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    valid_until: date | None = None,
    power_of_attorney: tuple[str, IO[bytes], int] | None = None,
) -> Representative:
    """Someone acting for the customer (seed 000). The power of attorney is checked like any upload:
    the tenant's size limit and accepted types, its real type sniffed from the bytes."""
    require(actor, "customer.edit")
    if not name.strip():
        raise ValidationFailed(_("The representative's name is required."))
    rep = Representative(
        customer=customer, name=name.strip(), email=email.strip(), phone=phone.strip(), valid_until=valid_until
    )
    with transaction.atomic():
        if power_of_attorney is not None:
            filename, stream, size = power_of_attorney
            check_upload(customer.tenant, filename=filename, stream=stream, size=size)
            rep.poa_filename, rep.poa_sha256 = filename[:255], hash_stream(stream)
            rep.power_of_attorney.save(safe_storage_name(filename), File(stream), save=False)
        rep.save()
        audit_record(
            actor=actor,
            action="representative.add",
            object_type="customer",
            object_id=customer.customer_number,
            changes={
                "representative": [None, rep.name],
                "power_of_attorney": rep.poa_sha256 or None,
                "valid_until": valid_until,
            },
        )
    return rep
