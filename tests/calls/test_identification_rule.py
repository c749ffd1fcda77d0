"""The identification rule on its own (seed 001): the customer id, or enough other items, and nothing
said that contradicts the record."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from querela.calls.identification import ITEMS, Facts, judge

pytestmark = pytest.mark.pure

ANNA = Facts.of(
    customer_number="HU-1000001",
    name="Kovács Anna Mária",
    phone="+36 30 123 4567",
    email="anna@example.hu",
    meter_serials=["GM-5531"],
    invoice_numbers=["SZ-2026/0042"],
    addresses=["4024 Debrecen Petőfi utca 1."],
)


def test_the_customer_id_alone_identifies_however_it_is_read_out():
    assert judge(ANNA, {"customer_number": "hu 1000001"}).identified
    assert judge(ANNA, {"customer_number": "HU-1000001 "}).confirmed == ("customer_number",)


def test_two_other_items_identify_one_does_not():
    assert not judge(ANNA, {"meter_serial": "gm5531"}).identified
    both = judge(ANNA, {"meter_serial": "gm5531", "name": "kovacs anna"})
    assert both.identified and both.confirmed == ("meter_serial", "name")
    assert judge(ANNA, {"phone": "06 30 123 4567", "address": "Petofi utca 1"}).identified
    assert judge(ANNA, {"meter_serial": "gm5531"}, required=1).identified  # a supplier with a laxer rule


def test_anything_said_that_does_not_match_fails_even_with_the_customer_id():
    wrong = judge(ANNA, {"customer_number": "HU-1000001", "meter_serial": "GM-9999"})
    assert not wrong.identified and wrong.contradicted


def test_vague_items_do_not_count():
    # One word of a name, or a street without its number, fits too many people.
    assert not judge(ANNA, {"name": "Anna", "address": "Petőfi utca"}).identified
    assert not judge(ANNA, {"phone": "4567", "email": "ANNA@example.hu"}).identified  # a phone needs its digits


_VALUES = {
    "customer_number": "HU-1000001",
    "meter_serial": "GM-5531",
    "invoice_number": "SZ-2026/0042",
    "name": "Anna Kovács",
    "address": "Petőfi utca 1",
    "phone": "+36 30 123 4567",
    "email": "anna@example.hu",
}


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.sets(st.sampled_from(ITEMS), min_size=1),
    required=st.integers(min_value=1, max_value=4),
    upper=st.booleans(),
)
def test_true_items_identify_exactly_when_the_rule_says(chosen, required, upper):
    said = {i: (_VALUES[i].upper() if upper and i != "email" else _VALUES[i]) for i in chosen}
    verdict = judge(ANNA, said, required=required)
    assert verdict.identified == ("customer_number" in chosen or len(chosen) >= required)
    assert set(verdict.confirmed) == chosen


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.sets(st.sampled_from(ITEMS), min_size=1),
    wrong=st.sampled_from(ITEMS),
    junk=st.text(alphabet="QXZ0123456789 ", min_size=1, max_size=12),
)
def test_one_false_item_always_fails(chosen, wrong, junk):
    said = {i: _VALUES[i] for i in chosen}
    said[wrong] = "QX" + junk  # nothing on Anna's record starts like this
    assert not judge(ANNA, said).identified
