"""What the case file offers a person: the steps they may take now, and for the others why not.

A handler should not have to guess why "Send the answer" is missing: the complaint is awaiting the
customer's information, or nobody is identified yet, or it takes a supervisor. The reasons are the
workflow's own (its table of sources and roles, the guards `transitions` checks with the same words),
so the page cannot promise a step the service would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from querela.core.errors import ValidationFailed
from querela.tenants.access import Actor, can
from querela.tenants.roles import Role

from .models import Complaint
from .transitions import check_guard, offered
from .workflow import SYSTEM, TRANSITIONS, Status, Transition


@dataclass(frozen=True)
class CaseAction:
    transition: Transition
    why_not: str = ""  # empty: the step may be taken now

    @property
    def available(self) -> bool:
        return not self.why_not


def case_actions(actor: Actor, complaint: Complaint) -> list[CaseAction]:
    """Every step of the workflow that this kind of complaint can take and the actor's role could
    ever take, in the workflow's order: the ones open now, then the others with their reason."""
    staff_roles = {r for r in Role if r != Role.CONSUMER}
    actions = []
    for t in TRANSITIONS:
        if not offered(t, complaint) or not any(r in t.roles for r in staff_roles):
            continue  # settling on the spot for a letter, a step only the customer takes
        actions.append(CaseAction(t, _why_not(actor, complaint, t)))
    return actions


def _why_not(actor: Actor, complaint: Complaint, t: Transition) -> str:
    if complaint.status not in t.sources:
        possible = ", ".join(str(Status(s).label).lower() for s in Status if s in t.sources)
        return _("Not while the complaint is “%(status)s”; possible when it is: %(possible)s.") % {
            "status": Status(complaint.status).label,
            "possible": possible,
        }
    if not can(actor, f"complaint.transition.{t.name}", complaint):
        roles = ", ".join(str(r.label).lower() for r in Role if r in t.roles and r not in (SYSTEM, Role.CONSUMER))
        return _("Your role may not do this; it takes: %(roles)s.") % {"roles": roles}
    for guard in t.guards:
        try:
            check_guard(guard, complaint)
        except ValidationFailed as exc:
            return str(exc.message)
    return ""
