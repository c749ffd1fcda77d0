"""The remedy bodies each country starts with (`data/<country>.json`): data a supplier's administrator edits.

Each entry: `key` (stable: loading again adds only what is missing), `kind`, `region` (blank: the whole
country), `name`, `address`, `phone`, `email`, `web`; optional `sectors` (only suppliers of these trades get
it: the energy regulator is nothing to an inverter vendor) and `active: false` (an example that belongs to
one supplier's seat, loaded switched off).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

COUNTRIES = ("HU", "PL", "RO")


@dataclass(frozen=True)
class PresetBody:
    key: str
    kind: str
    country: str
    region: str
    name: str
    address: str
    phone: str
    email: str
    web: str
    sectors: tuple[str, ...]
    active: bool


@functools.cache
def presets_of(country: str) -> tuple[PresetBody, ...]:
    """The preset bodies of a country, in the order an answer lists them; none for an unknown country."""
    if country not in COUNTRIES:
        return ()
    text = resources.files("querela.remedies.data").joinpath(f"{country.lower()}.json").read_text("utf-8")
    return tuple(
        PresetBody(
            key=e["key"],
            kind=e["kind"],
            country=country,
            region=e.get("region", ""),
            name=e["name"],
            address=e.get("address", ""),
            phone=e.get("phone", ""),
            email=e.get("email", ""),
            web=e.get("web", ""),
            sectors=tuple(e.get("sectors", ())),
            active=bool(e.get("active", True)),
        )
        for e in json.loads(text)["bodies"]
    )


def presets_for(country: str, sector: str) -> tuple[PresetBody, ...]:
    """What a supplier of this country and trade starts with."""
    return tuple(p for p in presets_of(country) if not p.sectors or sector in p.sectors)
