"""The customer's county from a region field, a postal code or an address (pure: no database)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from querela.customers.text import fold
from querela.remedies.counties import (
    HU_COUNTIES,
    HU_POSTAL_PREFIXES,
    PL_VOIVODESHIPS,
    RO_COUNTIES,
    counties_of,
    county_from_postal_code,
    county_in_text,
    county_of,
    normalise_region,
    same_region,
)
from querela.remedies.presets import presets_for, presets_of

SETTINGS = settings(max_examples=300, deadline=None)
hu_codes = st.integers(1000, 9999).map(str)
towns = st.sampled_from(["Pécs", "Kisváros", "Nagyfalu", "Budapest", "Alsóörs", "Szeged"])
streets = st.sampled_from(["Petőfi utca 1.", "Kossuth tér 2/a", "Vas utca 5.", "Fő út 12. II. em. 3."])


@SETTINGS
@given(code=hu_codes)
def test_every_hungarian_postal_code_has_one_of_the_twenty_counties(code):
    assert county_from_postal_code("HU", code) in HU_COUNTIES


@SETTINGS
@given(code=hu_codes, last=st.integers(0, 9))
def test_the_first_three_digits_decide(code, last):
    assert county_from_postal_code("HU", code) == county_from_postal_code("HU", code[:3] + str(last))


@SETTINGS
@given(code=st.one_of(st.integers(0, 999).map(lambda n: f"{n:04d}"), st.integers(10000, 99999).map(str), st.text()))
def test_what_is_not_a_hungarian_postal_code_has_no_county(code):
    if not re.fullmatch(r"\s*(H-?)?[1-9][0-9]{3}\s*", code.upper()):
        assert county_from_postal_code("HU", code) is None


@SETTINGS
@given(code=hu_codes, country=st.sampled_from(["PL", "RO", "XX"]))
def test_only_hungarian_codes_are_county_bound(code, country):
    assert county_from_postal_code(country, code) is None


@SETTINGS
@given(code=hu_codes, town=towns, street=streets, prefix=st.sampled_from(["", "H-", "H"]))
def test_a_postal_code_in_an_address_decides_before_any_name(code, town, street, prefix):
    expected = county_from_postal_code("HU", code)
    assert county_in_text("HU", f"{prefix}{code} {town}, {street}") == expected
    assert county_in_text("HU", f"{street}, {code} {town}") == expected


def test_the_table_maps_prefixes_to_counties_only():
    assert set(HU_POSTAL_PREFIXES.values()) == set(HU_COUNTIES)
    assert all(p.isdigit() and 1 <= len(p) <= 3 for p in HU_POSTAL_PREFIXES)


def test_each_conciliation_body_seat_lies_in_its_own_county():
    """Seed 004's addresses against the table: every county body's postal code maps to its county (Pest's
    sits in Budapest)."""
    bodies = [b for b in presets_of("HU") if b.kind == "conciliation_body"]
    assert len(bodies) == 20
    for b in bodies:
        code = re.match(r"\d{4}", b.address)
        assert code, b.name
        expected = "Budapest" if b.region == "Pest" else b.region
        assert county_from_postal_code("HU", code.group()) == expected, b.name


@pytest.mark.parametrize(
    ("text", "county"),
    [
        ("7625 Pécs, Majorossy Imre u. 36.", "Baranya"),
        ("Pécs, Fő utca 1.", "Baranya"),  # no postal code: the county seat
        ("Kisfalu, Baranya megye", "Baranya"),
        ("Kisfalu, Baranya vármegye", "Baranya"),
        ("Vas utca 5.", None),  # a street, not the county
        ("Szegedi út 3.", None),  # "of Szeged", not Szeged
        ("Vas utca 5., Budapest", "Budapest"),
        ("Pest megye, Kisváros", "Pest"),
        ("", None),
    ],
)
def test_hungarian_addresses(text, county):
    assert county_in_text("HU", text) == county


@pytest.mark.parametrize(
    ("country", "text", "county"),
    [
        ("PL", "ul. Długa 5, 85-001 Bydgoszcz, woj. kujawsko-pomorskie", "kujawsko-pomorskie"),
        ("PL", "ul. Długa 5, 80-001 Gdańsk", "pomorskie"),
        ("PL", "ul. Mazowiecka 3, Łódź", "łódzkie"),
        ("RO", "Strada Mureșului 3, jud. Cluj", "Cluj"),
        ("RO", "Calea Victoriei 1, Târgu Mureș", "Mureș"),
        ("RO", "Strada Mureșului 3", None),
        ("RO", "Bd. Eroilor 2, Satu Mare", "Satu Mare"),
    ],
)
def test_polish_and_romanian_addresses(country, text, county):
    assert county_in_text(country, text) == county


@SETTINGS
@given(country=st.sampled_from(["HU", "PL", "RO", "XX"]), text=st.text())
def test_any_text_gives_a_county_of_the_country_or_none(country, text):
    county = county_in_text(country, text)
    assert county is None or county in counties_of(country)


@SETTINGS
@given(
    data=st.data(),
    suffix=st.sampled_from(["", " megye", " vármegye", " MEGYE", " Megyei"]),
    accents=st.booleans(),
    upper=st.booleans(),
)
def test_a_region_field_names_a_county_however_it_is_written(data, suffix, accents, upper):
    county = data.draw(st.sampled_from(HU_COUNTIES))
    written = county if accents else fold(county)
    written = (written.upper() if upper else written) + suffix
    assert normalise_region("HU", written) == county


@pytest.mark.parametrize(
    ("country", "region", "county"),
    [
        ("HU", "Csongrád", "Csongrád-Csanád"),  # its name before 2020
        ("HU", "Hajdú-Bihar vármegye", "Hajdú-Bihar"),
        ("HU", "Debrecen", "Hajdú-Bihar"),
        ("HU", "Nowhere", None),
        ("PL", "woj. małopolskie", "małopolskie"),
        ("PL", "Malopolskie", "małopolskie"),
        ("RO", "județul Brașov", "Brașov"),
        ("RO", "Timis", "Timiș"),
        ("RO", "Municipiul București", "București"),
    ],
)
def test_region_fields(country, region, county):
    assert normalise_region(country, region) == county


def test_every_county_of_every_country_is_its_own_canonical_name():
    for country in ("HU", "PL", "RO"):
        for county in counties_of(country):
            assert normalise_region(country, county) == county
    assert len(HU_COUNTIES) == 20 and len(PL_VOIVODESHIPS) == 16 and len(RO_COUNTIES) == 42


@SETTINGS
@given(
    region=st.sampled_from(["", "Baranya", "Somogy megye"]),
    code=st.sampled_from(["", "9700", "4400"]),
    text=st.sampled_from(["", "8900 Zalaegerszeg, Petőfi utca 24.", "Miskolc"]),
)
def test_the_region_wins_then_the_postal_code_then_the_addresses(region, code, text):
    got = county_of("HU", region=region, postal_code=code, texts=("", text))
    if region:
        assert got == normalise_region("HU", region)
    elif code:
        assert got == county_from_postal_code("HU", code)
    else:
        assert got == county_in_text("HU", text)


def test_same_region_compares_counties_not_spellings():
    assert same_region("HU", "Baranya", "baranya megye")
    assert not same_region("HU", "Baranya", "Somogy")
    assert same_region("XX", "North", "north") and not same_region("XX", "", "")


def test_presets_serve_recognised_counties_and_suit_the_trade():
    for country in ("HU", "PL", "RO"):
        keys = [p.key for p in presets_of(country)]
        assert len(keys) == len(set(keys))
        for p in presets_of(country):
            assert not p.region or normalise_region(country, p.region) == p.region, p.key
    vendor = {p.kind for p in presets_for("PL", "product_service")}
    assert "regulator" not in vendor and "conciliation_body" in vendor
    assert "municipality" in {p.kind for p in presets_for("HU", "district_heating")}
    assert "municipality" not in {p.kind for p in presets_for("HU", "electricity")}
    assert len([p for p in presets_for("RO", "electricity") if p.kind == "consumer_protection" and p.region]) == 42
