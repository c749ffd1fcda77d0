"""The platform's default matrix: who may change which field, and when, unless the tenant says otherwise.
Pure. Roles are named by their codes (`tenants.roles.Role`); a role not named in a cell may not change the
field (`never`).

For a utility: call-center agents and front-desk clerks correct what they took down — contact details,
the subject, the classification, who it is about — only until the complaint is assigned (then it is the
handler's case); a handler changes the complaints nobody has yet and their own (the rule
`complaint_reclassify` always had: a complaint someone else investigates is theirs to reclassify, or a
supervisor's); a supervisor always. Customer records are corrected by those with `customer.edit`, the
customer id (the key of the billing system) by a supervisor only. The tenant administrator, who sees no
complaint and no customer record, changes none; nobody changes an original (`catalogue.ORIGINALS`).
"""

from __future__ import annotations

from .catalogue import ALWAYS, BEFORE_ASSIGNMENT, EDITABLE, NEVER, OWN

AGENT, CLERK, HANDLER, SUPERVISOR, TENANT_ADMIN = "agent", "clerk", "handler", "supervisor", "tenant_admin"

_COMPLAINT_CELL = {AGENT: BEFORE_ASSIGNMENT, CLERK: BEFORE_ASSIGNMENT, HANDLER: OWN, SUPERVISOR: ALWAYS}
_RECORD_CELL = {AGENT: ALWAYS, CLERK: ALWAYS, SUPERVISOR: ALWAYS}

DEFAULTS: dict[tuple[str, str], dict[str, str]] = {
    **{("complaint", f): dict(_COMPLAINT_CELL) for f in EDITABLE["complaint"]},
    **{("customer", f): dict(_RECORD_CELL) for f in EDITABLE["customer"]},
    ("customer", "customer_number"): {SUPERVISOR: ALWAYS},
    **{("place", f): dict(_RECORD_CELL) for f in EDITABLE["place"]},
    **{("meter", f): dict(_RECORD_CELL) for f in EDITABLE["meter"]},
}


def default_when(object_type: str, field: str, role: str) -> str:
    return DEFAULTS.get((object_type, field), {}).get(role, NEVER)
