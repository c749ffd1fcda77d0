"""Whether one cell of the matrix lets a person change a field now. Pure: the facts come as arguments.

`decide` answers yes or no; `why_not` says which fact stands in the way, as a code the services word in
the reader's language (`services.refusal`):

- ``never``: the cell never allows it;
- ``assigned``: only while nobody is assigned, and someone is;
- ``other_assignee``: only the assignee (now that someone is assigned), and it is someone else;
- ``not_assigned``: only once someone is assigned, and nobody is.
"""

from __future__ import annotations

from .catalogue import AFTER_ASSIGNMENT, ALWAYS, ASSIGNEE, BEFORE_ASSIGNMENT, OWN


def decide(when: str, *, assigned: bool, is_assignee: bool) -> bool:
    """True when the cell allows the change. `is_assignee` counts only when someone is assigned; an
    unknown `when` allows nothing."""
    return why_not(when, assigned=assigned, is_assignee=is_assignee) == ""


def why_not(when: str, *, assigned: bool, is_assignee: bool) -> str:
    """ "" when allowed, else the code of the reason (see the module)."""
    is_assignee = is_assignee and assigned
    if when == ALWAYS:
        return ""
    if when == BEFORE_ASSIGNMENT:
        return "assigned" if assigned else ""
    if when == OWN:
        return "other_assignee" if assigned and not is_assignee else ""
    if when == ASSIGNEE:
        if not assigned:
            return "not_assigned"
        return "" if is_assignee else "other_assignee"
    if when == AFTER_ASSIGNMENT:
        return "" if assigned else "not_assigned"
    return "never"  # NEVER, or a code this table does not know
