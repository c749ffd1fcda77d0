"""Asking, answering and cancelling a consultation. Each runs in one transaction with the complaint row
locked, writes an internal note on the complaint's timeline and an audit event."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.models import EntryType
from querela.complaints.timeline import add_entry, lock_complaint
from querela.complaints.workflow import OPEN_STATUSES
from querela.core import clock
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.tenants.access import Actor, require
from querela.tenants.models import Department, Membership
from querela.tenants.permissions import CASEWORKERS, STAFF

from .calendar import default_due
from .models import Consultation, ConsultationStatus

MAX_TEXT = 10_000


def _text(value: str, what: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("Please write %(what)s.") % {"what": what}, code=code)
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("The text is too long."), code=f"{code}_too_long")
    return text


def actor_department_id(actor: Actor) -> int | None:
    if actor.membership_id is None:
        return None
    memberships = Membership.objects.filter(pk=actor.membership_id, is_active=True)
    return memberships.values_list("department_id", flat=True).first()


def may_answer(actor: Actor, consultation: Consultation, department_id: int | None) -> bool:
    """Caseworkers answer any consultation (an outside party's answer is recorded by them); other staff only
    those asked of their own department. `department_id` is the actor's (`actor_department_id`)."""
    if str(actor.role) in {str(r) for r in CASEWORKERS}:
        return True
    return (
        str(actor.role) in {str(r) for r in STAFF}
        and consultation.department_id is not None
        and consultation.department_id == department_id
    )


def consultation_ask(
    *,
    actor: Actor,
    complaint_id: int,
    question: str,
    department_id: int | None = None,
    party_name: str = "",
    party_email: str = "",
    due_on: date | None = None,
    assignee_id: int | None = None,
) -> Consultation:
    require(actor, "consultation.manage")
    question = _text(question, _("the question"), "question")
    party_name = " ".join((party_name or "").split())[:200]
    party_email = (party_email or "").strip()
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        if complaint.status not in OPEN_STATUSES:
            raise ValidationFailed(_("The complaint is no longer open."), code="complaint_finished")
        department = None
        if department_id is not None:
            department = Department.objects.filter(pk=department_id).first()
            if department is None:
                raise ValidationFailed(_("Unknown department."), code="department")
            if party_name or party_email:
                raise ValidationFailed(
                    _("Ask either a department or an outside party, not both."), code="department_or_party"
                )
        elif not party_name or not party_email:
            raise ValidationFailed(
                _("Choose a department, or give the outside party's name and e-mail address."), code="party"
            )
        else:
            try:
                validate_email(party_email)
            except DjangoValidationError as exc:
                raise ValidationFailed(_("Enter a valid e-mail address."), code="party_email") from exc
        if assignee_id is not None:
            ok = (
                department is not None
                and Membership.objects.filter(
                    user_id=assignee_id, department=department, is_active=True, role__in=[str(r) for r in STAFF]
                ).exists()
            )
            if not ok:
                raise ValidationFailed(_("The assignee must be staff of the department asked."), code="assignee")
        today = clock.tenant_today(complaint.tenant)
        due = due_on or default_due(complaint.tenant, today)
        if due < today:
            raise ValidationFailed(_("The due date can't be in the past."), code="due_on")
        consultation = Consultation.objects.create(
            complaint=complaint,
            department=department,
            party_name="" if department else party_name,
            party_email="" if department else party_email,
            assignee_id=assignee_id,
            question=question,
            due_on=due,
            asked_by_id=actor.user_id,
            asked_at=clock.now(),
        )
        party = department.name if department else f"{party_name} <{party_email}>"
        add_entry(
            complaint,
            actor,
            EntryType.NOTE,
            body=_("Consultation asked of %(party)s (due %(due)s): %(question)s")
            % {"party": party, "due": due.isoformat(), "question": question},
            consultation=consultation.pk,
            event="consultation.ask",
        )
        audit_record(
            actor=actor,
            action="consultation.ask",
            object_type="consultation",
            object_id=consultation.pk,
            changes={"complaint": complaint.reference, "party": party, "due": due.isoformat()},
        )
    return consultation


def _lock(consultation_id: int) -> tuple[Any, Consultation]:
    complaint_id = Consultation.objects.filter(pk=consultation_id).values_list("complaint_id", flat=True).first()
    if complaint_id is None:
        raise NotFound(_("Consultation not found."))
    complaint = lock_complaint(complaint_id)
    consultation = (
        Consultation.objects.select_for_update(of=("self",)).select_related("department").get(pk=consultation_id)
    )
    return complaint, consultation


def consultation_answer(*, actor: Actor, consultation_id: int, result: str) -> Consultation:
    require(actor, "consultation.answer")
    result = _text(result, _("the result"), "result")
    with transaction.atomic():
        complaint, consultation = _lock(consultation_id)
        if not may_answer(actor, consultation, actor_department_id(actor)):
            raise PermissionDenied(_("Only the department asked, or the complaint's caseworkers, may answer."))
        if consultation.status != ConsultationStatus.OPEN:
            raise ValidationFailed(_("This consultation is no longer open."), code="not_open")
        consultation.status = ConsultationStatus.ANSWERED
        consultation.result = result
        consultation.answered_at = clock.now()
        consultation.answered_by_id = actor.user_id
        consultation.save(update_fields=["status", "result", "answered_at", "answered_by"])
        add_entry(
            complaint,
            actor,
            EntryType.NOTE,
            body=_("Consultation answered by %(party)s: %(result)s") % {"party": consultation.party, "result": result},
            consultation=consultation.pk,
            event="consultation.answer",
        )
        audit_record(
            actor=actor,
            action="consultation.answer",
            object_type="consultation",
            object_id=consultation.pk,
            changes={"complaint": complaint.reference, "party": consultation.party, "status": ["open", "answered"]},
        )
    return consultation


def consultation_cancel(*, actor: Actor, consultation_id: int, reason: str = "") -> Consultation:
    require(actor, "consultation.manage")
    reason = " ".join((reason or "").split())[:500]
    with transaction.atomic():
        complaint, consultation = _lock(consultation_id)
        if consultation.status != ConsultationStatus.OPEN:
            raise ValidationFailed(_("This consultation is no longer open."), code="not_open")
        consultation.status = ConsultationStatus.CANCELLED
        consultation.cancelled_at = clock.now()
        consultation.save(update_fields=["status", "cancelled_at"])
        body = _("Consultation of %(party)s cancelled") % {"party": consultation.party}
        add_entry(
            complaint,
            actor,
            EntryType.NOTE,
            body=f"{body}: {reason}" if reason else body,
            consultation=consultation.pk,
            event="consultation.cancel",
        )
        audit_record(
            actor=actor,
            action="consultation.cancel",
            object_type="consultation",
            object_id=consultation.pk,
            changes={
                "complaint": complaint.reference,
                "party": consultation.party,
                "status": ["open", "cancelled"],
                "reason": reason,
            },
        )
    return consultation
