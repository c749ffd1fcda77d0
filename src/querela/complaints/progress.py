"""How far each required operation of a complaint has progressed (seed 003: "follow how far each
required operation has progressed").

The complaint knows its own operations — information asked of the customer, the letters it owes
(acknowledgement, extension notice, answer). The apps above it (consultations; the checklist of a work
instruction) hand theirs in as `more`, already read for their own cards: the case file lists them all
in one place without reading anything twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils.translation import gettext as _

from querela.core import clock

from .models import Complaint, EntryType, TimelineEntry
from .workflow import Status

State = Literal["done", "pending", "overdue", "cancelled"]


@dataclass(frozen=True)
class Operation:
    label: str
    state: State
    due: date | None = None
    done_on: date | None = None
    detail: str = ""
    anchor: str = ""  # the id of the element on the case file that holds it


@dataclass(frozen=True)
class Progress:
    operations: list[Operation]

    @property
    def counted(self) -> int:
        return sum(1 for o in self.operations if o.state != "cancelled")

    @property
    def done(self) -> int:
        return sum(1 for o in self.operations if o.state == "done")

    @property
    def overdue(self) -> int:
        return sum(1 for o in self.operations if o.state == "overdue")


# The letters a complaint owes and the timeline entry that shows each one went out.
_LETTERS = {"acknowledge", "request_info", "extend", "answer", "redirect"}


def progress_of(complaint: Complaint, timeline: Sequence[TimelineEntry], more: Iterable[Operation] = ()) -> Progress:
    """The complaint's operations in the order they began, then `more`; `timeline` is the case file's."""
    today = clock.tenant_today(complaint.tenant)
    return Progress([*_own_operations(complaint, timeline, today), *more])


def _own_operations(complaint: Complaint, timeline: Sequence[TimelineEntry], today: date) -> Iterable[Operation]:
    tenant = complaint.tenant
    asked_on: date | None = None
    for e in timeline:
        day = clock.tenant_date(tenant, e.created_at)
        if e.entry_type == EntryType.STATUS and e.data.get("after") == Status.AWAITING_INFO:
            asked_on = day
        elif e.entry_type == EntryType.STATUS and e.data.get("before") == Status.AWAITING_INFO and asked_on:
            yield Operation(
                _("Information from the customer"),
                "done",
                done_on=day,
                detail=_("asked on %(day)s") % {"day": asked_on.isoformat()},
            )
            asked_on = None
        if e.entry_type == EntryType.OUTBOUND and e.data.get("purpose") in _LETTERS:
            yield Operation(_letter_label(str(e.data["purpose"])), "done", done_on=day, anchor=f"entry-{e.pk}")
    if asked_on is not None:
        yield Operation(
            _("Information from the customer"),
            "pending",
            detail=_("asked on %(day)s") % {"day": asked_on.isoformat()},
        )
    if complaint.status not in (Status.ANSWERED, Status.CLOSED, Status.REDIRECTED) and complaint.answer_due:
        late = complaint.answer_due < today
        yield Operation(_("Answer to the customer"), "overdue" if late else "pending", due=complaint.answer_due)


def _letter_label(purpose: str) -> str:
    return {
        "acknowledge": _("Acknowledgement sent"),
        "request_info": _("Request for information sent"),
        "extend": _("Extension notice sent"),
        "answer": _("Answer sent"),
        "redirect": _("Explanation of where to turn sent"),
    }[purpose]
