"""Does what a caller said identify one customer? (seed 001: personal data by phone only after the
caller is identified by the customer id or other identifying data.)

Pure: the facts of a customer record and the items the caller gave, compared after folding accents,
case and punctuation. No Django, so the rule is property-tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from querela.customers.text import digits, fold

# What an agent may ask a caller for, in the order the console offers them.
ITEMS = ("customer_number", "meter_serial", "invoice_number", "name", "address", "phone", "email")
# The national number without country or trunk prefix ("+36 30 123 4567" and "06 30 123 4567").
PHONE_DIGITS = 9


@dataclass(frozen=True)
class Facts:
    """What the record says, in the compared form."""

    customer_number: str
    name: str
    phone: str = ""
    email: str = ""
    meter_serials: frozenset[str] = field(default_factory=frozenset)
    invoice_numbers: frozenset[str] = field(default_factory=frozenset)
    addresses: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        customer_number: str,
        name: str,
        phone: str = "",
        email: str = "",
        meter_serials: Iterable[str] = (),
        invoice_numbers: Iterable[str] = (),
        addresses: Iterable[str] = (),
    ) -> Facts:
        return cls(
            customer_number=_code(customer_number),
            name=fold(name),
            phone=digits(phone)[-PHONE_DIGITS:],
            email=email.strip().lower(),
            meter_serials=frozenset(_code(s) for s in meter_serials),
            invoice_numbers=frozenset(_code(n) for n in invoice_numbers),
            addresses=tuple(fold(a) for a in addresses),
        )


def _code(value: str) -> str:
    """Ids are read out over the phone: spaces, dashes and case say nothing."""
    return "".join(c for c in value.upper() if c.isalnum())


def given_items(given: Mapping[str, str]) -> dict[str, str]:
    """The items the agent actually typed, known names only."""
    return {k: v.strip() for k, v in given.items() if k in ITEMS and v and v.strip()}


def _matches(item: str, value: str, facts: Facts) -> bool:
    if item == "customer_number":
        return bool(_code(value)) and _code(value) == facts.customer_number
    if item == "meter_serial":
        return _code(value) in facts.meter_serials
    if item == "invoice_number":
        return _code(value) in facts.invoice_numbers
    if item == "phone":
        number = digits(value)
        return len(number) >= 6 and bool(facts.phone) and number[-PHONE_DIGITS:] == facts.phone
    if item == "email":
        return bool(facts.email) and value.strip().lower() == facts.email
    if item == "name":
        # Every word said is in the name on file, and at least two words: "Kovács" alone names many.
        said = fold(value).split()
        on_file = facts.name.split()
        return len(said) >= 2 and all(w in on_file for w in said)
    if item == "address":
        # The street and number as said, found among the words of one consumption place's address.
        said = fold(value).split()
        return (
            len(said) >= 2
            and any(w.isdigit() for w in said)
            and any(all(w in address.split() for w in said) for address in facts.addresses)
        )
    return False


@dataclass(frozen=True)
class Verdict:
    identified: bool
    confirmed: tuple[str, ...]  # the items that matched, in ITEMS order
    contradicted: bool  # something said does not match the record


def judge(facts: Facts, given: Mapping[str, str], *, required: int = 2) -> Verdict:
    """The customer id alone identifies; otherwise `required` other items must match. Anything said
    that does not match the record (a wrong meter, another name) fails the identification: a caller
    guessing until something fits is not identified."""
    items = given_items(given)
    confirmed = tuple(i for i in ITEMS if i in items and _matches(i, items[i], facts))
    contradicted = len(confirmed) < len(items)
    enough = "customer_number" in confirmed or len(confirmed) >= max(1, required)
    return Verdict(identified=enough and not contradicted, confirmed=confirmed, contradicted=contradicted)
