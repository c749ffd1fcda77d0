"""Reading remedy bodies: the administrator's list, and the bodies an answer to one complaint names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .counties import county_of, same_region
from .models import KIND_ORDER, RemedyBody, RemedyKind


class ComplaintLike(Protocol):
    """What `remedies_for` reads of a complaint (this package sits below complaints: it never imports it)."""

    @property
    def tenant(self) -> Any: ...
    @property
    def place(self) -> Any: ...
    @property
    def customer(self) -> Any: ...
    @property
    def mailing_address(self) -> str: ...
    @property
    def place_address(self) -> str: ...


@dataclass(frozen=True)
class Named:
    """One entry of an answer's list. `body` None: no body of this kind is on file for the customer's county
    and none for the supplier's seat — the customer is told to turn to the one of their county.
    `for_seat`: the body of the supplier's seat stands in for the customer's county's."""

    kind: str
    body: RemedyBody | None = None
    for_seat: bool = False


@dataclass(frozen=True)
class Remedies:
    county: str | None  # the customer's county as recognised; None: unknown
    named: tuple[Named, ...]
    on_file: bool  # the supplier has remedy data at all (else its `answer_footer` stands in)


def remedy_bodies() -> list[RemedyBody]:
    """The current tenant's bodies, as the administrator's page lists them: by kind, county, position."""
    rows = list(RemedyBody.objects.all())
    rows.sort(key=lambda b: (KIND_ORDER.get(b.kind, 99), b.region.casefold(), b.position, b.pk))
    return rows


def remedy_body_open(body_id: int) -> RemedyBody | None:
    return RemedyBody.objects.filter(pk=body_id).first()


def complaint_county(complaint: ComplaintLike) -> str | None:
    """The customer's county: the consumption place's region, its postal code, else the addresses we hold."""
    place, customer = complaint.place, complaint.customer
    return county_of(
        complaint.tenant.country,
        region=place.region if place else "",
        postal_code=place.postal_code if place else "",
        texts=(
            customer.mailing_address if customer else "",
            complaint.mailing_address,
            complaint.place_address,
            f"{place.postal_code} {place.city}" if place else "",
        ),
    )


def remedies_for(complaint: ComplaintLike) -> Remedies:
    """The bodies an answer to this complaint names, in the order it names them.

    Per kind: those serving the whole country and the one(s) serving the customer's county. A kind whose
    bodies all serve counties (the conciliation bodies) and has none for the customer's — the county is
    unknown, or nobody is on file for it — names the body of the supplier's seat (`is_seat`), saying the
    customer may turn to the one of their own county; with no seat marked, it says only that.
    """
    country = complaint.tenant.country
    bodies = list(RemedyBody.objects.filter(is_active=True, country=country))
    county = complaint_county(complaint)
    named: list[Named] = []
    for kind in RemedyKind:
        of_kind = sorted((b for b in bodies if b.kind == kind), key=lambda b: (b.position, b.pk))
        nationwide = [b for b in of_kind if not b.region.strip()]
        local = [b for b in of_kind if b.region.strip() and county and same_region(country, b.region, county)]
        named += [Named(kind, b) for b in nationwide + local]
        if of_kind and not nationwide and not local:
            seat = next((b for b in of_kind if b.is_seat), None)
            named.append(Named(kind, seat, for_seat=True) if seat else Named(kind))
    return Remedies(county=county, named=tuple(named), on_file=bool(bodies))
