"""Reads of customers: the agent's search while the customer is on the phone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.core.errors import NotFound, ValidationFailed
from querela.tenants.access import Actor, can, require

from .models import ConsumptionPlace, Customer, Meter, Representative
from .text import digits, fold

# A search word may stand for many people ("utca", "Kovács"): each indexed lookup returns at most this
# many ids; a word that finds fewer is known completely, and the smallest such set is narrowed by the rest.
_CANDIDATES = 2000
_MAX_WORDS = 6


def _ids(rows: QuerySet[Any], cap: int = _CANDIDATES) -> set[int]:
    # No ORDER BY: any `cap` rows will do, and sorting by name would walk the name index instead.
    return set(rows.order_by()[:cap])


def _customers_with(word: str, cap: int = _CANDIDATES) -> tuple[set[int], bool]:
    """Customer ids one word (or a whole phrase) finds, each through an index (on PostgreSQL trigram
    and pattern indexes: customers/migrations/0008): a customer id's start, a meter serial, the name or
    phone, a consumption place's address, an e-mail. Also whether that is all of them (no lookup hit
    the cap)."""
    folded = fold(word)
    parts = [
        Customer.objects.filter(customer_number__istartswith=word).values_list("pk", flat=True),
        Meter.objects.filter(serial__icontains=word).values_list("place__customer_id", flat=True),
    ]
    if len(folded) >= 3:  # shorter says too little to look up on its own (and no trigram index helps)
        parts.append(Customer.objects.filter(search_key__contains=folded).values_list("pk", flat=True))
        parts.append(ConsumptionPlace.objects.filter(search_key__contains=folded).values_list("customer_id", flat=True))
    if "@" in word:
        parts.append(Customer.objects.filter(email__iexact=word).values_list("pk", flat=True))
    found: set[int] = set()
    complete = True
    for rows in parts:
        got = list(rows.order_by()[:cap])
        complete &= len(got) < cap
        found.update(got)
    return found, complete


def _anywhere(word: str) -> Q:
    """One more word of the query, checked on one customer at a time (places and meters through the
    customer's own rows, so the planner never scans them whole)."""
    folded = fold(word)
    return (
        Q(search_key__contains=folded)
        | Q(customer_number__istartswith=word)
        | Q(email__iexact=word)
        | Exists(ConsumptionPlace.objects.filter(customer_id=OuterRef("pk"), search_key__contains=folded))
        | Exists(Meter.objects.filter(place__customer_id=OuterRef("pk"), serial__icontains=word))
    )


def _narrow(candidates: set[int], words: list[str]) -> set[int]:
    """The candidates every other word also matches (somewhere: name, phone, address, id, meter, e-mail),
    checked here on the few thousand candidates' keys rather than by a join the planner might scan."""
    if not words:
        return candidates
    keys: dict[int, list[str]] = {}  # the customer's search key, then each place's
    numbers: dict[int, str] = {}
    emails: dict[int, str] = {}
    people = Customer.objects.filter(pk__in=candidates)
    for pk, number, key, email in people.values_list("pk", "customer_number", "search_key", "email"):
        numbers[pk], emails[pk], keys[pk] = number.upper(), email.lower(), [key]
    places = ConsumptionPlace.objects.filter(customer_id__in=candidates)
    for pk, key in places.values_list("customer_id", "search_key"):
        keys.setdefault(pk, []).append(key)
    serials: dict[int, list[str]] = {}
    meters = Meter.objects.filter(place__customer_id__in=candidates)
    for pk, serial in meters.values_list("place__customer_id", "serial"):
        serials.setdefault(pk, []).append(serial.upper())

    def fits(pk: int, word: str) -> bool:
        folded, upper = fold(word), word.upper()
        return (
            any(folded in key for key in keys.get(pk, ()))
            or numbers[pk].startswith(upper)
            or any(upper in serial for serial in serials.get(pk, ()))
            or emails[pk] == word.lower()
        )

    return {pk for pk in numbers if all(fits(pk, w) for w in words)}


def customer_search(*, actor: Actor, query: str, limit: int = 25) -> QuerySet[Customer]:
    """What an agent types while the customer is on the phone.

    An exact customer id or meter serial wins. Otherwise every word must match somewhere: the name
    or the address without accents ("Dozsa Gyorgy" finds "Dózsa György"), the start of a customer
    id or postal code, part of a meter serial, the phone's digits, or the e-mail.

    Fast on a million customers: every lookup is an index scan starting with the tenant (the ids are
    gathered per index, never by one OR across joined tables, which no index serves), and the number
    of statements does not grow with the hits.
    """
    require(actor, "customer.search")
    return customers_matching(query, limit=limit)


def customers_matching(query: str, *, limit: int = 25) -> QuerySet[Customer]:
    """The search engine behind `customer_search`, for callers that checked their own permission (the
    data-protection officer finding a person, `privacy.selectors.people_find`)."""
    q = query.strip()[:200]
    if not q:
        return Customer.objects.none()
    with_details = Customer.objects.prefetch_related("places__meters")
    exact = _ids(Customer.objects.filter(customer_number__iexact=q).values_list("pk", flat=True), limit)
    exact |= _ids(Meter.objects.filter(serial__iexact=q).values_list("place__customer_id", flat=True), limit)
    if exact:
        return with_details.filter(pk__in=exact)[:limit]
    if len(number := digits(q)) >= 6 and len(number) >= len(q.replace(" ", "")) - 4:
        # A phone number however it is written ("+36 30 123 4567", "06-30/1234567").
        tail = number[-9:]  # national number: country and trunk prefixes differ
        by_phone = _ids(Customer.objects.filter(search_key__contains=tail).values_list("pk", flat=True), limit)
        if by_phone:
            return with_details.filter(pk__in=by_phone)[:limit]
    phrase = fold(q)
    if not phrase:  # "%", "*", "🙂" say nothing about anyone
        return Customer.objects.none()
    # A name typed from its start: the search key begins with the folded name (a pattern index).
    named = _ids(Customer.objects.filter(search_key__startswith=phrase).values_list("pk", flat=True), limit)
    if len(named) >= limit:
        return with_details.filter(pk__in=named)[:limit]
    # The whole phrase somewhere: a name in another order, an address with its number, part of an id.
    whole, _complete = _customers_with(q.strip(), limit)
    if named | whole:
        return with_details.filter(pk__in=named | whole)[:limit]
    words = [w for w in q.split() if fold(w)][:_MAX_WORDS]
    if len(words) < 2:
        return Customer.objects.none()
    # A name and something else ("Kovács Debrecen"): the customers whose name starts with one word, in
    # index order, each checked for the others — stops at the first page of results.
    for first in words[:2]:
        if len(fold(first)) < 3:
            continue
        qs = Customer.objects.filter(search_key__startswith=fold(first))
        for word in words:
            if word != first:
                qs = qs.filter(_anywhere(word))
        found = _ids(qs.values_list("pk", flat=True), limit)
        if found:
            return with_details.filter(pk__in=found)[:limit]
    # The words in different places: the smallest complete set, narrowed by the rest.
    sets = [(w, *_customers_with(w)) for w in words]
    complete = [t for t in sets if t[2]]
    anchor, candidates, _ = min(complete or sets, key=lambda t: len(t[1]))
    others = [w for w, _ids_, _c in sets if w != anchor]
    return with_details.filter(pk__in=_narrow(candidates, others))[:limit]


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


def place_of(*, actor: Actor, customer_id: int, place_id: int) -> ConsumptionPlace:
    """One of this customer's consumption places (another customer's, or another supplier's, is not found)."""
    require(actor, "customer.view")
    place = ConsumptionPlace.objects.filter(pk=place_id, customer_id=customer_id).prefetch_related("meters").first()
    if place is None:
        raise NotFound(_("Consumption place not found."))
    return place


def meter_of(*, actor: Actor, customer_id: int, meter_id: int) -> Meter:
    """One of this customer's meters, with its place."""
    require(actor, "customer.view")
    meter = Meter.objects.filter(pk=meter_id, place__customer_id=customer_id).select_related("place").first()
    if meter is None:
        raise NotFound(_("Meter not found."))
    return meter


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
    nothing here (another tenant's row, a typo, someone else's place) is refused with a reason naming the
    field ("customer", "place", "representative"), never silently dropped. A consumer may only name their
    own places."""
    consumer = not can(actor, "complaint.register")  # someone filing for themselves: only their own
    customers = Customer.objects.filter(user_id=actor.user_id) if consumer else Customer.objects.all()
    customer = None
    if customer_number:
        customer = customers.filter(customer_number=customer_number).first()
        if customer is None:
            raise ValidationFailed(_("No customer with this customer id."), code="unknown_customer", field="customer")
    elif customer_id is not None:
        customer = customers.filter(pk=customer_id).first()
        if customer is None:
            raise ValidationFailed(_("No such customer here."), code="unknown_customer", field="customer")
    place = None
    if place_id is not None:
        places = ConsumptionPlace.objects.all()
        if consumer:
            places = places.filter(customer__user_id=actor.user_id)
        place = places.filter(pk=place_id).select_related("customer").first()
        if place is None:
            raise ValidationFailed(_("No such consumption place here."), code="unknown_place", field="place")
        if customer is None and consumer:
            customer = place.customer
        if customer is not None and place.customer_id != customer.pk:
            raise ValidationFailed(
                _("The consumption place does not belong to this customer."), code="place_mismatch", field="place"
            )
    representative = None
    if representative_id is not None:
        representative = Representative.objects.filter(pk=representative_id).first()
        if representative is None or (customer is not None and representative.customer_id != customer.pk):
            raise ValidationFailed(
                _("The representative does not act for this customer."),
                code="representative_mismatch",
                field="representative",
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
