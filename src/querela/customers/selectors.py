"""Reads of customers: the agent's search while the customer is on the phone."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from querela.core.errors import NotFound
from querela.tenants.access import Actor, require

from .models import Customer


def customer_search(*, actor: Actor, query: str, limit: int = 25) -> QuerySet[Customer]:
    """Match the customer id or meter serial exactly first, then name or address parts."""
    require(actor, "customer.search")
    q = query.strip()
    if not q:
        return Customer.objects.none()
    exact = Customer.objects.filter(Q(customer_number__iexact=q) | Q(places__meters__serial__iexact=q))
    if exact.exists():
        return exact.distinct().prefetch_related("places__meters")[:limit]
    words = [w for w in q.split() if w]
    cond = Q()
    for w in words:
        cond &= (
            Q(name__icontains=w)
            | Q(places__address__icontains=w)
            | Q(places__city__icontains=w)
            | Q(places__postal_code__startswith=w)
            | Q(customer_number__startswith=w)
            | Q(email__iexact=w)
        )
    return Customer.objects.filter(cond).distinct().prefetch_related("places__meters")[:limit]


def customer_get(*, actor: Actor, customer_id: int) -> Customer:
    require(actor, "customer.view")
    customer = Customer.objects.filter(pk=customer_id).prefetch_related("places__meters", "representatives").first()
    if customer is None:
        raise NotFound("Customer not found.")
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
