"""The agent finds the caller however they spell it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from querela.customers.models import Meter
from querela.customers.selectors import customer_search
from querela.customers.text import fold

pytestmark = pytest.mark.django_db


def _found(in_a, q: str) -> list[str]:
    return [c.customer_number for c in customer_search(actor=in_a.actor("agent"), query=q)]


def test_accents_phone_and_partial_meter(in_a) -> None:
    number = in_a.customer.customer_number
    in_a.place.address = "Dózsa György út 5."
    in_a.place.save()
    Meter.objects.create(place=in_a.place, serial="HU-88-0902-17")
    assert _found(in_a, "kovacs anna") == [number]  # "Kovács Anna AAA" without accents
    assert _found(in_a, "Dozsa Gyorgy") == [number]
    assert _found(in_a, "06 30 123 4567") == [number]  # stored as +36 30 123 4567
    assert _found(in_a, "0902") == [number]
    assert _found(in_a, "Nyiregyhaza Petofi") == []  # both words must match; this customer lives at Dózsa György út
    assert _found(in_a, "nobody-like-this") == []


@pytest.mark.pure
@given(st.text(max_size=40))
def test_fold_is_idempotent_and_plain(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert all(c.isascii() and (c.isalnum() or c == " ") for c in once)
