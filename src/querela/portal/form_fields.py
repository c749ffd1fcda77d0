"""Which fields a supplier's public complaint form shows and requires.

Each form variant has defaults from the seeds (000 for utilities, 002 for vendors); a supplier's
PortalProfile.form_fields overrides them field by field. Some fields can't be hidden or made
optional: without a name, a way to answer and a description no complaint can be handled.
"""

from __future__ import annotations

from collections.abc import Mapping

from .models import FormVariant

REQUIRED, OPTIONAL, HIDDEN = "required", "optional", "hidden"
STATES = (REQUIRED, OPTIONAL, HIDDEN)

# In the order the form shows them.
FIELDS = (
    "customer_number",
    "name",
    "acting_for",
    "phone",
    "email",
    "reply_channel",
    "place_address",
    "mailing_address",
    "meter_serial",
    "ticket_number",
    "product_model",
    "subject",
    "description",
    "earlier_contacts",
    "proposed_solution",
    "documents",
)
LOCKED = frozenset({"name", "reply_channel", "subject", "description"})

_UTILITY = {
    "customer_number": REQUIRED,
    "acting_for": OPTIONAL,
    "phone": OPTIONAL,
    "email": OPTIONAL,
    "place_address": REQUIRED,
    "mailing_address": OPTIONAL,
    "meter_serial": OPTIONAL,
    "ticket_number": HIDDEN,
    "product_model": HIDDEN,
    "earlier_contacts": OPTIONAL,
    "proposed_solution": HIDDEN,
    "documents": OPTIONAL,
}
_VENDOR = {
    **_UTILITY,
    "customer_number": OPTIONAL,  # an order or invoice number, when the buyer has one
    "place_address": HIDDEN,
    "mailing_address": OPTIONAL,
    "meter_serial": REQUIRED,  # the device's serial number
    "earlier_contacts": HIDDEN,
    "proposed_solution": REQUIRED,
}
DEFAULTS: dict[str, dict[str, str]] = {
    FormVariant.UTILITY: _UTILITY,
    FormVariant.SERVICE: {**_VENDOR, "ticket_number": REQUIRED},
    FormVariant.PRODUCT: {**_VENDOR, "product_model": REQUIRED},
}


def field_states(variant: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every field's state for this form: the variant's defaults, then the supplier's choices."""
    states = {name: REQUIRED for name in LOCKED} | DEFAULTS.get(variant, _UTILITY)
    for name, state in (overrides or {}).items():
        if name in states and name not in LOCKED and state in STATES:
            states[name] = state
    return {name: states[name] for name in FIELDS}


def clean_overrides(raw: Mapping[str, object]) -> dict[str, str]:
    """What a tenant administrator may set: known, unlocked fields and known states only."""
    return {
        name: str(state)
        for name, state in raw.items()
        if name in FIELDS and name not in LOCKED and str(state) in STATES
    }
