"""Placeholders in a justifying document: `{customer_name}`, `{meter_serial}`… replaced by the complaint's
facts when the document is drawn up.

Pure (no Django), and like the answer templates' renderer (`answer_templates/placeholders.py`, which this
app may not import: they sit side by side): an administrator's text can do nothing but name these facts;
`render` never raises, and leaves no `{name}` of a known placeholder behind (a value's braces are dropped, and
a placeholder formed around a value is replaced in the same left-to-right pass). A fact not known yet — a
blank form printed from the library — becomes a line to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Mapping

from querela.core.placeholders import Placeholders

PLACEHOLDERS = (
    "supplier_name",
    "customer_name",
    "customer_number",
    "reference",
    "received_on",
    "place_address",
    "meter_serial",
    "subject",
    "answer_due",
    "staff_name",
    "today",
)
BLANK = "______________"
_SET = Placeholders(PLACEHOLDERS, missing=BLANK)


def unknown_placeholders(body: str) -> list[str]:
    """The `{names}` in the text that are no placeholder, in the order they first appear."""
    return _SET.unknown(body)


def render(body: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced by its value (a blank line to fill in when it has none)."""
    return _SET.render(body, values)
