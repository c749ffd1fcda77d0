"""Reads of minutes. Opening minutes or their PDF is a view of personal data and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.core.errors import NotFound
from querela.customers.models import ConsumptionPlace
from querela.customers.selectors import customer_by_identifiers
from querela.tenants.access import Actor, can, require

from .models import Capacity, CopyBy, FilingWay, Minutes, ReplyBy
from .services import FACT_FIELDS, ORAL_CHANNELS


def minutes_open(*, actor: Actor, minutes_id: int) -> Minutes:
    require(actor, "minutes.take")
    minutes = (
        Minutes.objects.select_related("complaint__tenant", "complaint__customer", "supersedes", "pdf")
        .filter(pk=minutes_id)
        .first()
    )
    if minutes is None:
        raise NotFound(_("Minutes not found."))
    audit_personal_data(
        actor=actor, what="view", object_type="minutes", object_id=minutes.pk, complaint=minutes.complaint.reference
    )
    return minutes


def minutes_pdf_open(*, actor: Actor, minutes_id: int) -> Minutes:
    """Signed minutes' PDF, to print the customer's copy or read it again."""
    require(actor, "minutes.take")
    minutes = Minutes.objects.select_related("complaint", "pdf").filter(pk=minutes_id, pdf__isnull=False).first()
    if minutes is None or minutes.pdf is None:
        raise NotFound(_("Minutes not found."))
    audit_personal_data(
        actor=actor,
        what="download",
        object_type="minutes",
        object_id=minutes.pk,
        complaint=minutes.complaint.reference,
        file=minutes.pdf.filename,
    )
    return minutes


@dataclass(frozen=True)
class VersionRow:
    minutes: Minutes
    corrected_by: Minutes | None


def minutes_of_complaint(*, complaint: Complaint) -> list[VersionRow]:
    """Every version of the complaint's minutes, each with the version that corrects it (one query)."""
    rows = list(Minutes.objects.filter(complaint=complaint).select_related("supersedes").order_by("version", "pk"))
    corrections = {m.supersedes_id: m for m in rows if m.supersedes_id}
    return [VersionRow(m, corrections.get(m.pk)) for m in rows]


def may_take_minutes(complaint: Complaint) -> bool:
    return complaint.channel in ORAL_CHANNELS


def correction_of(minutes: Minutes) -> Minutes | None:
    return Minutes.objects.filter(supersedes=minutes).first()


def initial_defaults(actor: Actor) -> dict[str, Any]:
    """A new minutes form: now, at the office, in person; the clerk is among those present."""
    now = clock.tenant_now(tenancy.current_tenant()).replace(second=0, microsecond=0, tzinfo=None)
    return {
        "filed_at": now,
        "drawn_up_at": now,
        "filing_way": FilingWay.IN_PERSON,
        "reply_channel": ReplyBy.POST,
        "copy_by": CopyBy.PRINT,
        "present": [("", Capacity.OWNER), (actor.label, Capacity.STAFF)],
    }


def _local(moment: Any) -> Any:
    return moment.astimezone(clock.tenant_zone(tenancy.current_tenant())).replace(tzinfo=None)


def known_customer(actor: Actor, customer_number: str) -> dict[str, str]:
    """Name and address of the customer on file with this id, for staff who may see customers (nothing
    otherwise, or when there is none); reading them is audited."""
    if not customer_number.strip() or not can(actor, "customer.view"):
        return {}
    customer = customer_by_identifiers(customer_numbers=[customer_number.strip()])
    if customer is None:
        return {}
    audit_personal_data(actor=actor, what="view", object_type="customer", object_id=customer.customer_number)
    place = ConsumptionPlace.objects.filter(customer=customer).order_by("pk").first()
    address = customer.mailing_address or (f"{place.postal_code} {place.city}, {place.address}" if place else "")
    return {"customer_name": customer.name, "customer_address": address, "customer_number": customer.customer_number}


def initial_from_complaint(actor: Actor, complaint: Complaint) -> dict[str, Any]:
    """The form for minutes of a registered complaint, filled from what the complaint already says."""
    customer = complaint.customer
    place = complaint.place
    on_file = customer.mailing_address if customer and can(actor, "customer.view") else ""
    address = (
        on_file
        or complaint.mailing_address
        or (f"{place.postal_code} {place.city}, {place.address}" if place else complaint.place_address)
    )
    name = customer.name if customer else complaint.contact_name
    initial = initial_defaults(actor)
    initial.update(
        {
            "customer_name": name,
            "customer_address": address,
            "customer_number": customer.customer_number if customer else complaint.given_customer_number,
            "customer_email": complaint.contact_email or (customer.email if customer else ""),
            "customer_phone": complaint.contact_phone,
            "filed_at": _local(complaint.received_at),
            "filing_way": FilingWay.PHONE if complaint.channel == "phone" else FilingWay.IN_PERSON,
            "subject": complaint.subject,
            "description": complaint.description,
            "reply_channel": complaint.reply_channel if complaint.reply_channel in ReplyBy.values else ReplyBy.POST,
            "present": [(name, Capacity.OWNER), (actor.label, Capacity.STAFF)],
        }
    )
    return initial


def initial_from_minutes(minutes: Minutes) -> dict[str, Any]:
    """A draft to edit, or signed minutes to correct: the form as they say it."""
    initial = {name: getattr(minutes, name) for name in FACT_FIELDS}
    initial["filed_at"] = _local(minutes.filed_at)
    initial["drawn_up_at"] = _local(minutes.drawn_up_at)
    initial["present"] = [(p.get("name", ""), p.get("capacity", "")) for p in minutes.present]
    return initial
