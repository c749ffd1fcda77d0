"""Writes of customers and consumption places, audited with before/after values."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.core.uploads import check_upload, hash_stream, safe_storage_name
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
) -> ConsumptionPlace:
    require(actor, "customer.edit")
    if service_type not in ServiceType.values:
        raise ValidationFailed(_("Unknown service type."))
    meter_serials = tuple(dict.fromkeys(s.strip() for s in meter_serials if s.strip()))  # "A1, A1" is one meter
    taken = Meter.objects.filter(serial__in=meter_serials).values_list("serial", flat=True)
    if taken:
        raise ValidationFailed(
            _("Meter %(serials)s is already registered at another consumption place.") % {"serials": ", ".join(taken)},
            code="duplicate_meter",
        )
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
            changes={"place": [None, str(place)], "meters": [None, list(meter_serials)]},
        )
    return place


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
            head = stream.read(8192)
            stream.seek(0)
            check_upload(customer.tenant, filename, size, head)
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
