"""Placeholders in a justifying document: `{customer_name}`, `{meter_serial}`… replaced by the complaint's
facts when the document is drawn up.

Pure (no Django), and like the answer templates' renderer (`answer_templates/placeholders.py`, which this
app may not import: they sit side by side): an administrator's text can do nothing but name these facts;
`render` never raises, and leaves no `{name}` of a known placeholder behind (a value's braces are dropped, and
a placeholder formed around a value is replaced in the same left-to-right pass). A fact not known yet — a
blank form printed from the library — becomes a line to fill in by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
_KNOWN = frozenset(PLACEHOLDERS)
_LONGEST = max(len(p) for p in PLACEHOLDERS)
_NAMED = re.compile(r"\{([^{}\s]{1,60})\}")


def unknown_placeholders(body: str) -> list[str]:
    """The `{names}` in the text that are no placeholder, in the order they first appear."""
    seen: list[str] = []
    for name in _NAMED.findall(body):
        if name not in _KNOWN and name not in seen:
            seen.append(name)
    return seen


def render(body: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced by its value (a blank line when it has none)."""
    clean = {name: str(values.get(name) or BLANK).replace("{", "").replace("}", "") for name in PLACEHOLDERS}
    out: list[str] = []
    for char in body:
        if char == "}":
            start = len(out) - 1
            stop = max(-1, len(out) - _LONGEST - 2)
            while start > stop and out[start] != "{":
                start -= 1
            if start > stop and "".join(out[start + 1 :]) in _KNOWN:
                name = "".join(out[start + 1 :])
                del out[start:]
                out.extend(clean[name])
                continue
        out.append(char)
    return "".join(out)
