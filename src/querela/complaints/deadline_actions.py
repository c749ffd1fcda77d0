"""What a handler does about a deadline: acknowledge, report progress, extend with a notice, reschedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock
from querela.core.errors import ValidationFailed
from querela.deadlines.texts import EXTENSION_REASON_NAMES
from querela.tenants.access import Actor, require

from .deadline_schedule import record_event, record_event_once, schedule_for
from .deadline_texts import consumer_due_sentence, notice_text, reason_line
from .language import complaint_language
from .models import Complaint, EntryType
from .timeline import add_entry, lock_complaint


def _customer_entry(complaint: Complaint, actor: Actor, text: str, purpose: str, automatic: bool = False) -> None:
    add_entry(
        complaint,
        actor,
        EntryType.OUTBOUND,
        text,
        channel=complaint.reply_channel,
        purpose=purpose,
        automatic=automatic,
    )


def complaint_acknowledge(*, actor: Actor, complaint_id: int, automatic: bool = False) -> None:
    """Confirm receipt to the customer, with the date we will answer by."""
    # No savepoint of its own: inside a registration it is part of that transaction, alone it is one.
    with transaction.atomic(savepoint=False):
        complaint = lock_complaint(complaint_id)
        if actor.role != "system":
            require(actor, "complaint.deadlines", complaint)
        if not record_event_once(complaint, "acknowledged"):
            return
        _acknowledgement(complaint, actor, lambda: consumer_due_sentence(complaint), automatic=automatic)


def acknowledge_new_schedule(complaint: Complaint) -> None:
    """The automatic acknowledgement of a complaint registered in this very transaction, first half: its
    event and the steps. The complaint is locked already and has no events or steps yet, so nothing is
    read back; its due date stays in memory for the registration to write with the reference."""
    record_event(complaint, "acknowledged", rows=[], fresh=True)


def acknowledge_new_message(complaint: Complaint, actor: Actor, *, postscript: str = "") -> None:
    """Second half, once the complaint has its number: the message that quotes it."""
    _acknowledgement(
        complaint,
        actor,
        lambda: consumer_due_sentence(complaint, due=complaint.answer_due),
        automatic=True,
        postscript=postscript,
    )


def _acknowledgement(
    complaint: Complaint, actor: Actor, due_sentence: Callable[[], str], *, automatic: bool, postscript: str = ""
) -> None:
    # Every sentence in the customer's language, the due date's too (not the staff member's screen).
    with translation.override(complaint_language(complaint)):
        text = " ".join(
            filter(
                None,
                [
                    _("We have registered your complaint under number %(ref)s.") % {"ref": complaint.reference},
                    due_sentence(),
                    postscript,
                ],
            )
        )
    _customer_entry(complaint, actor, text, "acknowledge", automatic=automatic)
    audit_record(actor=actor, action="complaint.acknowledge", object_type="complaint", object_id=complaint.reference)


def complaint_progress_update(*, actor: Actor, complaint_id: int, text: str) -> None:
    if not text.strip():
        raise ValidationFailed(_("Please write the progress report."))
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.deadlines", complaint)
        record_event(complaint, "progress_sent")
        _customer_entry(complaint, actor, text, "progress")
        audit_record(actor=actor, action="complaint.progress", object_type="complaint", object_id=complaint.reference)


def complaint_extend(
    *, actor: Actor, complaint_id: int, days: int | None, reason: str, text: str, approved: bool = False
) -> date | None:
    """Extend the answer deadline: refused beyond the policy; the written notice goes out now, in the reply channel.
    A supplier with four eyes on extensions (`Tenant.extension_needs_approval`) extends only on an approved
    request (`supervision.services.extension_request_approve`, which passes `approved=True`)."""
    if reason not in EXTENSION_REASON_NAMES:
        raise ValidationFailed(_("Please choose the reason for the extension."), code="reason_required")
    if not days or days < 1:
        raise ValidationFailed(_("Please give the number of days to extend by."), code="days_required")
    if not text.strip():
        raise ValidationFailed(_("Please write the notice to the customer, with the reason."), code="text_required")
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.deadlines", complaint)
        if complaint.tenant.extension_needs_approval and not approved:
            raise ValidationFailed(
                _("Extensions need a supervisor's approval here: request the extension, a supervisor approves it."),
                code="approval_required",
            )
        before = complaint.answer_due
        now = clock.now()
        record_event(complaint, "extended", at=now, days=days, notice_at=now, reason=reason)
        notice = notice_text(complaint, text, reason_line(complaint, reason))
        _customer_entry(complaint, actor, notice, "extend")
        audit_record(
            actor=actor,
            action="complaint.extend",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"answer_due": [before, complaint.answer_due], "days": days, "reason": reason},
        )
    return complaint.answer_due


def complaint_reschedule(*, actor: Actor, complaint_id: int, new_date: date | None, text: str) -> None:
    """Policy `reschedule` only (seed 002): once the target is missed or about to be, explain why and give a
    new date. A statutory deadline is never moved this way: it can only be extended within the law."""
    if new_date is None:
        raise ValidationFailed(_("Please give the new target date."), code="date_required")
    if not text.strip():
        raise ValidationFailed(_("Please explain the delay to the customer."), code="text_required")
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.deadlines", complaint)
        sched = schedule_for(complaint)
        if sched.on_miss != "reschedule":
            raise ValidationFailed(
                _("This policy sets a statutory deadline: it cannot be rescheduled, only extended as the law allows."),
                code="reschedule_not_allowed",
            )
        answer = sched.step("answer")
        if answer is None or answer.done_on is not None or answer.state not in ("due_soon", "breached"):
            raise ValidationFailed(
                _("A new target date can be given only when the current one is near or missed."),
                code="reschedule_too_early",
            )
        tz = clock.tenant_zone(complaint.tenant)
        if new_date <= clock.now().astimezone(tz).date():
            raise ValidationFailed(_("The new date must be in the future."))
        before = complaint.answer_due
        record_event(complaint, "rescheduled", notice_at=datetime.combine(new_date, datetime.min.time(), tz))
        _customer_entry(complaint, actor, notice_text(complaint, text), "reschedule")
        audit_record(
            actor=actor,
            action="complaint.reschedule",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"answer_due": [before, new_date]},
        )


def complaint_deadline_step(
    *,
    actor: Actor,
    complaint_id: int,
    action: str,
    text: str = "",
    days: int | None = None,
    reason: str = "",
    new_date: date | None = None,
) -> None:
    """One deadline step by name, as pages and the API offer them."""
    if action == "acknowledge":
        complaint_acknowledge(actor=actor, complaint_id=complaint_id)
    elif action == "progress":
        complaint_progress_update(actor=actor, complaint_id=complaint_id, text=text)
    elif action == "extend":
        complaint_extend(actor=actor, complaint_id=complaint_id, days=days, reason=reason, text=text)
    elif action == "reschedule":
        complaint_reschedule(actor=actor, complaint_id=complaint_id, new_date=new_date, text=text)
    else:
        raise ValidationFailed(_("Unknown deadline step."), code="unknown_step")
