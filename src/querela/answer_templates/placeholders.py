"""Placeholders in an answer template: `{customer_name}`, `{reference}`… replaced by the complaint's facts.

Pure (no Django): a small renderer of its own, not the Django template language, so an administrator's
text can do nothing but name these facts. `render` never raises, whatever the text, and leaves no
`{name}` of a known placeholder behind: a value's own braces are dropped, and a placeholder formed
around a value (`{re{subject}}`) is replaced too, in the same left-to-right pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS = (
    "customer_name",
    "reference",
    "received_on",
    "place_address",
    "subject",
    "answer_due",
    "decision",
)
_KNOWN = frozenset(PLACEHOLDERS)
_LONGEST = max(len(p) for p in PLACEHOLDERS)
# What an administrator meant as a placeholder: a name between braces.
_NAMED = re.compile(r"\{([^{}\s]{1,60})\}")


def unknown_placeholders(body: str) -> list[str]:
    """The `{names}` in the text that are no placeholder, in the order they first appear."""
    seen: list[str] = []
    for name in _NAMED.findall(body):
        if name not in _KNOWN and name not in seen:
            seen.append(name)
    return seen


def render(body: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced by its value (empty when the value is missing);
    anything else, braces included, is kept as written."""
    clean = {name: str(values.get(name) or "").replace("{", "").replace("}", "") for name in PLACEHOLDERS}
    out: list[str] = []
    for char in body:
        if char == "}":
            # Does the text so far end with "{name" of a known placeholder?
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
