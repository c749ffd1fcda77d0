"""Placeholders in an answer template: `{customer_name}`, `{reference}`… replaced by the complaint's facts.

Pure (no Django): a small renderer of its own, not the Django template language, so an administrator's
text can do nothing but name these facts. `render` never raises, whatever the text, and leaves no
`{name}` of a known placeholder behind: a value's own braces are dropped, and a placeholder formed
around a value (`{re{subject}}`) is replaced too, in the same left-to-right pass.
"""

from __future__ import annotations

from collections.abc import Mapping

from querela.core.placeholders import Placeholders

PLACEHOLDERS = (
    "customer_name",
    "reference",
    "received_on",
    "place_address",
    "subject",
    "answer_due",
    "decision",
)
_SET = Placeholders(PLACEHOLDERS)


def unknown_placeholders(body: str) -> list[str]:
    """The `{names}` in the text that are no placeholder, in the order they first appear."""
    return _SET.unknown(body)


def render(body: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced by its value (empty when it has none)."""
    return _SET.render(body, values)
