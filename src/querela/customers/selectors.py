"""Reads of customers: the agent's search while the customer is on the phone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.core.errors import NotFound, ValidationFailed
from querela.tenants.access import Actor, can, require

from .models import ConsumptionPlace, Customer, Representative
from .text import digits, fold


def customer_search(*, actor: Actor, query: str, limit: int = 25) -> QuerySet[Customer]:
    """What an agent types while the customer is on the phone.

    An exact customer id or meter serial wins. Otherwise every word must match somewhere: the name
    or the address without accents ("Dozsa Gyorgy" finds "Dózsa György"), the start of a customer
    id or postal code, part of a meter serial, the phone's digits, or the e-mail.
    """
    require(actor, "customer.search")
    q = query.strip()
    if not q:
        return Customer.objects.none()
    exact = Customer.objects.filter(Q(customer_number__iexact=q) | Q(places__meters__serial__iexact=q))
    if exact.exists():
        return exact.distinct().prefetch_related("places__meters")[:limit]
    if len(number := digits(q)) >= 6 and len(number) >= len(q.replace(" ", "")) - 4:
        # A phone number however it is written ("+36 30 123 4567", "06-30/1234567").
        tail = number[-9:]  # national number: country and trunk prefixes differ
        by_phone = Customer.objects.filter(search_key__contains=tail)
        if by_phone.exists():
            return by_phone.prefetch_related("places__meters")[:limit]
    cond = Q()
    words = [w for w in q.split() if fold(w)]  # "%", "*", "🙂" say nothing about anyone
    if not words:
        return Customer.objects.none()
    for word in words:
        folded = fold(word)
        cond &= (
            Q(search_key__contains=folded)
            | Q(places__search_key__contains=folded)
            | Q(customer_number__istartswith=word)
            | Q(places__meters__serial__icontains=word)
            | Q(email__iexact=word)
        )
    return Customer.objects.filter(cond).distinct().prefetch_related("places__meters")[:limit]


def customer_open(*, actor: Actor, customer_id: int) -> Customer:
    """A customer's record for display: a view of personal data, audited."""
    customer = customer_get(actor=actor, customer_id=customer_id)
    audit_personal_data(actor=actor, what="view", object_type="customer", object_id=customer.customer_number)
    return customer


def customer_get(*, actor: Actor, customer_id: int) -> Customer:
    require(actor, "customer.view")
    customer = Customer.objects.filter(pk=customer_id).prefetch_related("places__meters", "representatives").first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    return customer


def customer_by_identifiers(
    *, email: str = "", customer_numbers: Sequence[str] = (), meter_serials: Sequence[str] = ()
) -> Customer | None:
    """Match an incoming message to a customer: an identifier on the bill beats the sender address."""
    for number in customer_numbers:
        c = Customer.objects.filter(customer_number__iexact=number).first()
        if c:
            return c
    for serial in meter_serials:
        c = Customer.objects.filter(places__meters__serial__iexact=serial).first()
        if c:
            return c
    if email:
        matches = list(Customer.objects.filter(email__iexact=email)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def representative_poa_open(*, actor: Actor, customer_id: int, rep_id: int) -> Representative:
    """A representative's power of attorney, for staff; opening it is audited like any personal document."""
    require(actor, "customer.view")
    rep = Representative.objects.filter(pk=rep_id, customer_id=customer_id).select_related("customer").first()
    if rep is None or not rep.power_of_attorney:
        raise NotFound(_("File not found."))
    audit_personal_data(
        actor=actor,
        what="download",
        object_type="representative",
        object_id=rep.pk,
        customer=rep.customer.customer_number,
        file=rep.poa_filename,
    )
    return rep


@dataclass(frozen=True)
class Parties:
    customer: Customer | None
    place: ConsumptionPlace | None
    representative: Representative | None


def registration_parties(
    *,
    actor: Actor,
    customer_id: int | None = None,
    customer_number: str = "",
    place_id: int | None = None,
    representative_id: int | None = None,
) -> Parties:
    """Who a complaint being registered is about, read for this actor in this tenant: an id that names
    nothing here (another tenant's row, a typo, someone else's place) is refused with a reason, never
    silently dropped. A consumer may only name their own places."""
    consumer = not can(actor, "complaint.register")  # someone filing for themselves: only their own
    customers = Customer.objects.filter(user_id=actor.user_id) if consumer else Customer.objects.all()
    customer = None
    if customer_number:
        customer = customers.filter(customer_number=customer_number).first()
        if customer is None:
            raise ValidationFailed(_("No customer with this customer id."), code="unknown_customer")
    elif customer_id is not None:
        customer = customers.filter(pk=customer_id).first()
        if customer is None:
            raise ValidationFailed(_("No such customer here."), code="unknown_customer")
    place = None
    if place_id is not None:
        places = ConsumptionPlace.objects.all()
        if consumer:
            places = places.filter(customer__user_id=actor.user_id)
        place = places.filter(pk=place_id).select_related("customer").first()
        if place is None:
            raise ValidationFailed(_("No such consumption place here."), code="unknown_place")
        if customer is None and consumer:
            customer = place.customer
        if customer is not None and place.customer_id != customer.pk:
            raise ValidationFailed(_("The consumption place does not belong to this customer."), code="place_mismatch")
    representative = None
    if representative_id is not None:
        representative = Representative.objects.filter(pk=representative_id).first()
        if representative is None or (customer is not None and representative.customer_id != customer.pk):
            raise ValidationFailed(
                _("The representative does not act for this customer."), code="representative_mismatch"
            )
    return Parties(customer, place, representative)


@dataclass(frozen=True)
class ProofMatch:
    """What a stranger's form proved. `customer` is set only when a second identifier confirmed the id."""

    customer: Customer | None
    place: ConsumptionPlace | None
    # The id named a customer but nothing else matched: the office checks (never told to the sender).
    id_only: bool = False


def customer_by_proof(
    *, customer_number: str, meter_serial: str = "", name: str = "", place_address: str = ""
) -> ProofMatch:
    """Match a form filled in by anyone: the customer id from the bill plus one more identifier.

    Knowing someone's customer id is not proof of being them: it links only with the serial of one of
    that customer's meters, or with their name and the address of one of their places (accents, case
    and punctuation aside). Anything less matches nobody, so the form reveals nothing about anyone.
    """
    number = customer_number.strip()
    if not number:
        return ProofMatch(None, None)
    customer = Customer.objects.filter(customer_number__iexact=number).first()
    if customer is None:
        return ProofMatch(None, None)
    places = list(ConsumptionPlace.objects.filter(customer=customer).prefetch_related("meters"))
    serial = fold(meter_serial).replace(" ", "")
    if serial:
        for place in places:
            if any(fold(m.serial).replace(" ", "") == serial for m in place.meters.all()):
                return ProofMatch(customer, place)
    if name.strip() and place_address.strip() and _same_name(name, customer.name):
        given = fold(place_address)
        for place in places:
            street = fold(place.address)
            if street and street in given and (not place.postal_code or fold(place.postal_code) in given):
                return ProofMatch(customer, place)
    return ProofMatch(None, None, id_only=True)


def _same_name(a: str, b: str) -> bool:
    """ "Kovács János", "kovacs janos" and "János Kovács" are the same person's name."""
    return sorted(fold(a).split()) == sorted(fold(b).split())
