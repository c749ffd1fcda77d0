"""The complaint lifecycle as data: states, and the transitions allowed between them with who may make them.

Pure: no database. `complaint_transition` in services.py is the only writer of a status, and it asks
`transition_for` whether a move is legal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from querela.tenants.roles import Role


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    AWAITING_INFO = "awaiting_info", _("Awaiting information")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATING = "investigating", _("Under investigation")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    REDIRECTED = "redirected", _("Redirected")


class Decision(models.TextChoices):
    """What the answer decided on the complaint (seed 000: the answer explains the decision and its reasons).
    Partly upheld or rejected, the answer names where the customer may turn (remedies)."""

    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    REJECTED = "rejected", _("Rejected")


# The open states in the order a complaint walks them (lists and tables show them so).
OPEN_ORDER = (
    Status.RECEIVED,
    Status.AWAITING_INFO,
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.INVESTIGATING,
    Status.REOPENED,
    Status.ESCALATED,
)
OPEN_STATUSES = frozenset(OPEN_ORDER)
# Answered, closed or sent elsewhere: nothing is owed until the customer disputes it (reopen).
FINISHED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)

# The background worker and the intake channels act as "system".
SYSTEM = "system"

# Plain strings: the table is compared with role names read from the database.
_STAFF = frozenset({Role.AGENT.value, Role.CLERK.value, Role.HANDLER.value, Role.SUPERVISOR.value})
_CASEWORKERS = frozenset({Role.HANDLER.value, Role.SUPERVISOR.value})
_CONSUMER = Role.CONSUMER.value


# What must hold before a transition may start (checked, with a message, by `transitions.py`).
Guard = Literal["needs_assignee", "no_assignee", "identified_complainant", "non_complaint", "oral_channel"]
# What a transition tells the deadline engine: an event to record, or only a recompute of the steps.
DeadlineEffect = Literal["info_requested", "info_received", "answered", "reopened", "recompute"]


@dataclass(frozen=True)
class Transition:
    """One row of the lifecycle: where it may start, where it leads, who may make it, what must hold
    first and what it does. `transitions.apply_transition` applies a row; it knows no action by name."""

    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_text: bool = False  # a reason/explanation the customer or the file will read
    guards: tuple[Guard, ...] = ()
    assigns: bool = False  # takes an assignee and a department
    writes_letter: bool = False  # the text goes to the customer, in the complaint's reply channel
    appends_remedies: bool = False  # where to turn (remedies) is added to the letter, unless the complaint is upheld
    decides: bool = False  # the handler states the decision (upheld, partly upheld, rejected)
    keeps_explanation: bool = False  # the text is kept as where the customer should turn instead
    oral_answer: bool = False  # the text was said to the customer on the phone or at the desk
    deadline: DeadlineEffect | None = None


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "request_info",
        _("Ask the customer for missing information"),
        frozenset({S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.INVESTIGATING}),
        S.AWAITING_INFO,
        _STAFF | {SYSTEM},
        needs_text=True,
        writes_letter=True,
        deadline="info_requested",
    ),
    Transition(
        "register",
        _("Register (identified and complete)"),
        frozenset({S.RECEIVED, S.AWAITING_INFO}),
        S.REGISTERED,
        _STAFF | {SYSTEM},
        # Information asked for during an investigation is `resume`d by its handler instead.
        guards=("no_assignee", "identified_complainant"),
        deadline="info_received",
    ),
    Transition(
        "resume",
        _("Continue the investigation (the information has arrived)"),
        frozenset({S.AWAITING_INFO}),
        S.INVESTIGATING,
        _CASEWORKERS | {SYSTEM},
        guards=("needs_assignee", "identified_complainant"),
        deadline="info_received",
    ),
    Transition(
        "assign",
        _("Assign to a handler"),
        # From an investigation too: a supervisor hands it to someone else (a handler away, a breach).
        frozenset({S.REGISTERED, S.ASSIGNED, S.INVESTIGATING, S.REOPENED, S.ESCALATED}),
        S.ASSIGNED,
        # The system: a routing rule's handler pool (issue 14) hands a registered complaint to a handler.
        _CASEWORKERS | {SYSTEM},
        assigns=True,
    ),
    Transition(
        "start_investigation",
        _("Start the investigation"),
        frozenset({S.ASSIGNED, S.REOPENED, S.ESCALATED}),
        S.INVESTIGATING,
        _CASEWORKERS,
    ),
    Transition(
        "answer",
        _("Send the answer"),
        frozenset({S.INVESTIGATING}),
        S.ANSWERED,
        _CASEWORKERS,
        needs_text=True,
        writes_letter=True,
        appends_remedies=True,
        decides=True,
        deadline="answered",
    ),
    Transition("close", _("Close"), frozenset({S.ANSWERED}), S.CLOSED, _CASEWORKERS | {SYSTEM}, deadline="recompute"),
    Transition(
        "resolve_on_spot",
        _("Answered on the spot (during the call or the visit)"),
        frozenset({S.RECEIVED, S.REGISTERED}),
        S.ANSWERED,
        _STAFF,
        needs_text=True,
        guards=("oral_channel",),
        oral_answer=True,
        deadline="answered",
    ),
    Transition(
        "refuse_by_phone",
        _("Not a phone matter: the caller was told where it is settled"),
        frozenset({S.RECEIVED, S.REGISTERED}),
        S.REDIRECTED,
        _STAFF,
        needs_text=True,
        guards=("oral_channel", "non_complaint"),
        oral_answer=True,
        keeps_explanation=True,
        deadline="recompute",
    ),
    Transition(
        "reopen",
        _("Reopen (the customer disputes the answer)"),
        frozenset({S.ANSWERED, S.CLOSED}),
        S.REOPENED,
        _STAFF | {_CONSUMER, SYSTEM},
        needs_text=True,
        deadline="reopened",  # the answer is due again, counted from the dispute
    ),
    Transition(
        "escalate",
        _("Escalate to a supervisor"),
        frozenset({S.INVESTIGATING, S.ANSWERED, S.REOPENED, S.ASSIGNED}),
        S.ESCALATED,
        _CASEWORKERS | {_CONSUMER, SYSTEM},
        needs_text=True,
    ),
    Transition(
        "redirect",
        _("Redirect (not a complaint)"),
        frozenset({S.RECEIVED, S.AWAITING_INFO, S.REGISTERED, S.ASSIGNED, S.INVESTIGATING}),
        S.REDIRECTED,
        _STAFF,
        needs_text=True,
        guards=("non_complaint",),
        writes_letter=True,
        keeps_explanation=True,
        deadline="recompute",
    ),
)
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}


def transition_for(name: str, current: str) -> Transition | None:
    """The named transition if it may start from `current`; None when the move is illegal."""
    t = TRANSITIONS_BY_NAME.get(name)
    if t is None or current not in t.sources:
        return None
    return t


def available_from(current: str) -> list[Transition]:
    return [t for t in TRANSITIONS if current in t.sources]
