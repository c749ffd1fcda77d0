"""Moving a complaint along its workflow: the one writer of a status. A transition is legal when
`workflow.transition_for` says so and the actor's role may make it; the row is locked, the status,
timeline, audit and deadline events are written in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core.channels import Channel
from querela.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from querela.tenants.access import Actor, can, require
from querela.tenants.models import Department, Membership
from querela.tenants.roles import Role

from . import answer_checks, hooks
from .answers import answer_enclosures, answer_letter, letter_digest
from .deadline_schedule import apply_deadline_effect
from .models import COMPLAINT_KINDS, Complaint, EntryType, Kind
from .sector_texts import is_identified
from .timeline import add_entry, is_system, lock_complaint
from .workflow import SYSTEM, TRANSITIONS_BY_NAME, Decision, Guard, Status, Transition, transition_for


def complaint_transition(
    *,
    actor: Actor,
    complaint_id: int,
    action: str,
    text: str = "",
    assignee_id: int | None = None,
    department_id: int | None = None,
    decision: str = "",
    previewed: str | None = None,
    enclosures: Sequence[int] = (),
) -> Complaint:
    """Move a complaint along the workflow. The only way a status changes.

    `decision` (upheld, partly_upheld, rejected): what an answer decided; only a deciding transition takes
    it. Left out of an answer, the answer names the remedies as for a complaint not upheld.
    `previewed`: the digest (`answers.letter_digest`) of the letter the person confirmed; when the letter
    would now read otherwise (a remedy body changed meanwhile), nothing is sent.
    `enclosures`: ids of the case's documents that go with the letter (attached to the e-mail, listed
    on the printed letter, offered on the customer's page)."""
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        apply_transition(
            complaint,
            actor,
            action,
            text=text,
            assignee_id=assignee_id,
            department_id=department_id,
            decision=decision,
            previewed=previewed,
            enclosures=enclosures,
        )
    return complaint


def apply_transition(
    complaint: Complaint,
    actor: Actor,
    action: str,
    *,
    text: str,
    assignee_id: int | None = None,
    department_id: int | None = None,
    record_text: bool = True,
    automatic: bool = False,
    decision: str = "",
    previewed: str | None = None,
    enclosures: Sequence[int] = (),
) -> None:
    if action not in TRANSITIONS_BY_NAME:
        raise InvalidTransition(_("Unknown step."))
    t = transition_for(action, complaint.status)
    if t is None:
        raise InvalidTransition(
            _("Cannot “%(action)s” a complaint that is “%(status)s”.")
            % {"action": _transition_label(action), "status": Status(complaint.status).label}
        )
    if is_system(actor):
        if SYSTEM not in t.roles:
            raise PermissionDenied(_("This step needs a person."))
    else:
        require(actor, f"complaint.transition.{action}", complaint)
    if t.needs_text and not text.strip():
        raise ValidationFailed(_("Please write the text the customer or the file will read."), code="text_required")
    for guard in t.guards:
        check_guard(guard, complaint)
    if t.decides:
        # The apps above (the work instruction checklist) say what must be done before the answer goes out.
        refused = answer_checks.refusal(complaint)
        if refused:
            raise ValidationFailed(refused, code="answer_blocked")
    if decision and not t.decides:
        raise ValidationFailed(_("A decision is stated only with an answer."), code="decision")
    if decision and decision not in Decision.values:
        raise ValidationFailed(_("Choose upheld, partly upheld or rejected."), code="decision")
    if enclosures and not t.writes_letter:
        raise ValidationFailed(_("Only a letter to the customer has enclosures."), code="enclosures")
    enclosed = answer_enclosures(complaint, enclosures) if enclosures else []
    changes: dict[str, Any] = {"status": [complaint.status, t.target]}
    if t.decides and decision != complaint.decision:
        changes["decision"] = [complaint.decision, decision]
        complaint.decision = decision
    if t.assigns:
        changes.update(_assign(complaint, actor, assignee_id, department_id))
    if t.keeps_explanation:
        complaint.redirect_explanation = text
    before = complaint.status
    complaint.status = t.target
    complaint.save(update_fields=["status", "assignee", "department", "redirect_explanation", "decision", "updated_at"])
    add_entry(complaint, actor, EntryType.STATUS, "", transition=action, before=before, after=t.target)
    if t.writes_letter:
        letter = text
        extra: dict[str, Any] = {"automatic": True} if automatic else {}  # RFC 3834: marked as an automatic reply
        if t.appends_remedies:
            letter, remedies = answer_letter(complaint, text, decision)
            if previewed is not None and letter_digest(letter, [a.pk for a in enclosed]) != previewed:
                raise ValidationFailed(
                    _("The letter has changed since you previewed it: preview it again before sending."),
                    code="preview_outdated",
                )
            extra.update(decision=decision, remedies=remedies)
        if enclosed:
            extra["enclosures"] = [a.pk for a in enclosed]
            changes["enclosures"] = [a.filename for a in enclosed]
        add_entry(
            complaint, actor, EntryType.OUTBOUND, letter, channel=complaint.reply_channel, purpose=action, **extra
        )
    elif t.oral_answer:
        # Said, not sent: the answer stands on the timeline in the channel it was given in; no mail goes out.
        if t.target == Status.ANSWERED:
            complaint.resolved_on_spot = True
            complaint.save(update_fields=["resolved_on_spot"])
        add_entry(complaint, actor, EntryType.OUTBOUND, text, channel=complaint.channel, purpose=action)
    elif text and record_text:
        entry_type = EntryType.INBOUND if actor.role in (Role.CONSUMER, SYSTEM) else EntryType.NOTE
        add_entry(complaint, actor, entry_type, text, purpose=action)
    # Information can only have been asked for (and so arrive) on a complaint that was awaiting it.
    if t.deadline is not None and not (t.deadline == "info_received" and before != Status.AWAITING_INFO):
        apply_deadline_effect(complaint, t.deadline)
    audit_record(
        actor=actor,
        action=f"complaint.{action}",
        object_type="complaint",
        object_id=complaint.reference,
        changes=changes,
    )
    hooks.run(f"transition:{action}", complaint)


def check_guard(guard: Guard, complaint: Complaint) -> None:
    """Raise with the reason a person can act on when the guard does not hold."""
    if guard == "needs_assignee" and complaint.assignee_id is None:
        raise ValidationFailed(_("Nobody investigates this complaint yet: register it instead."), code="not_assigned")
    if guard == "no_assignee" and complaint.assignee_id is not None:
        # Information asked for during the investigation: the handler continues, nothing starts over.
        raise ValidationFailed(
            _("This complaint is already being investigated: continue the investigation instead."),
            code="already_assigned",
        )
    if guard == "identified_complainant" and complaint.kind == Kind.COMPLAINT and not is_identified(complaint):
        # Seeds 000 and 004: a complaint is investigated only once the complainant is identified.
        raise ValidationFailed(
            _("Identify the customer first (customer id or meter serial number), or ask the customer for it."),
            code="customer_required",
        )
    if guard == "oral_channel" and complaint.channel not in (Channel.PHONE, Channel.IN_PERSON):
        # Seeds 001, 004: settled on the spot is for a call or a visit; written complaints get a written answer.
        raise ValidationFailed(
            _("Only a complaint made by phone or in person can be answered on the spot."), code="not_oral"
        )
    if guard == "non_complaint" and complaint.kind in COMPLAINT_KINDS:
        raise ValidationFailed(
            _("Only a non-complaint can be redirected: change its kind first."), code="kind_is_complaint"
        )


def _transition_label(action: str) -> str:
    known = TRANSITIONS_BY_NAME.get(action)
    return str(known.label) if known else action.replace("_", " ")


def assignee_membership(user_id: int) -> Membership | None:
    """The person's role here if they may investigate complaints (a handler or supervisor of this
    supplier); None for anyone else, another supplier's staff included."""
    return Membership.objects.filter(user_id=user_id, is_active=True, role__in=[Role.HANDLER, Role.SUPERVISOR]).first()


def _assign(complaint: Complaint, actor: Actor, assignee_id: int | None, department_id: int | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if assignee_id is None:
        assignee_id = actor.user_id
    if assignee_id is None:
        raise ValidationFailed(
            _("Choose the handler who investigates this complaint."), code="assignee_required", field="assignee"
        )
    if assignee_id != actor.user_id and not is_system(actor) and not can(actor, "complaint.assign_others"):
        raise PermissionDenied(_("A handler can take a complaint, not hand it to someone else."))
    membership = assignee_membership(assignee_id)
    if membership is None:
        raise ValidationFailed(
            _("The assignee must be a complaint handler or supervisor of this supplier."),
            code="unknown_assignee",
            field="assignee",
        )
    changes["assignee"] = [complaint.assignee_id, assignee_id]
    complaint.assignee_id = assignee_id
    # The department a routing rule (or a person) chose stays: a handler from another department takes
    # the case there; only a complaint without one gets the assignee's.
    dept_id = department_id or complaint.department_id or membership.department_id
    if dept_id is not None and dept_id != complaint.department_id:
        if not Department.objects.filter(pk=dept_id).exists():
            raise ValidationFailed(_("Unknown department."), code="unknown_department", field="department")
        changes["department"] = [complaint.department_id, dept_id]
        complaint.department_id = dept_id
    return changes


def offered(t: Transition, complaint: Complaint) -> bool:
    """Whether the case file offers this transition at all: one whose channel guard can never hold
    here (settling on the spot for a letter; "not a phone matter" for anything but a call) is not shown."""
    if "oral_channel" in t.guards and complaint.channel not in (Channel.PHONE, Channel.IN_PERSON):
        return False
    return not (t.name == "refuse_by_phone" and complaint.channel != Channel.PHONE)
