"""Complaints meet the deadline engine: events recorded, the engine run on a complaint's history, and
what it computes stored (`DeadlineStep`, `answer_due`) so lists and the sweep query due dates by index.

The engine (`querela.deadlines`) is pure date arithmetic; the workflow's transitions record their
deadline events here through the hooks below."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from querela.core import clock
from querela.core.errors import ValidationFailed
from querela.deadlines import engine
from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.policies import Policy

from . import hooks
from .deadline_policies import calendar_for, policy_for
from .deadline_texts import refusal_text
from .models import Complaint, DeadlineEvent, DeadlineStep
from .workflow import FINISHED_STATUSES

ENGINE_EVENTS = frozenset(
    {"acknowledged", "info_requested", "info_received", "extended", "answered", "progress_sent", "reopened"}
)


def _engine_kind(complaint: Complaint) -> str:
    return "damage_claim" if complaint.category == "damage" else "complaint"


def _history(complaint: Complaint) -> list[engine.Event]:
    return [
        engine.Event(type=e.event_type, at=e.at, days=e.days, notice_at=e.notice_at, reason=e.reason or None)
        for e in DeadlineEvent.objects.filter(complaint=complaint, event_type__in=ENGINE_EVENTS).order_by("at", "pk")
    ]


def engine_args(complaint: Complaint) -> tuple[Policy, BusinessCalendar, str]:
    policy, _version = policy_for(complaint.tenant, complaint.policy_name, complaint.policy_version)
    return policy, calendar_for(complaint.tenant, policy), complaint.tenant.time_zone


def schedule_for(complaint: Complaint, *, now: datetime | None = None) -> engine.Schedule:
    policy, cal, tz = engine_args(complaint)
    return engine.compute(
        policy,
        cal,
        tz,
        complaint.received_at,
        _engine_kind(complaint),
        _history(complaint),
        now=now or clock.now(),
        due_soon_days=complaint.tenant.reminder_working_days,
    )


def _rescheduled_to(complaint: Complaint) -> date | None:
    last = DeadlineEvent.objects.filter(complaint=complaint, event_type="rescheduled").order_by("-at").first()
    return clock.tenant_date(complaint.tenant, last.notice_at) if last and last.notice_at else None


def deadlines_recompute(complaint: Complaint) -> engine.Schedule | None:
    """Store each step's current due date and when the sweep must next look at it."""
    if not complaint.policy_name:
        return None
    sched = schedule_for(complaint)
    _policy, cal, _tz = engine_args(complaint)
    # Once answered (or closed), nothing is left to chase: an acknowledgement or progress report
    # that never went out can no longer be sent on time, and reminding about it would be noise.
    answer_step = sched.step("answer")
    answered = answer_step is not None and answer_step.done_on is not None
    closed = answered or complaint.status in FINISHED_STATUSES
    # After a first answer, a reopened complaint owes only a new answer, not a late acknowledgement.
    ever_answered = DeadlineEvent.objects.filter(complaint=complaint, event_type="answered").exists()
    for s in sched.steps:
        due = s.due
        if s.name == "answer" and (new := _rescheduled_to(complaint)):
            due = new
        step, _created = DeadlineStep.objects.get_or_create(complaint=complaint, step=s.name)
        done = s.done_on is not None or closed or (s.name != "answer" and ever_answered)
        if step.due_date != due:
            step.reminded_at = None  # a moved deadline deserves its own reminder
            if due and step.missed_at and due >= clock.tenant_today(complaint.tenant):
                step.missed_at = None
        step.due_date = due
        step.done_at = step.done_at or (clock.now() if done else None)
        if not done:
            step.done_at = None
        step.remind_on = cal.add_business_days(due, -complaint.tenant.reminder_working_days) if due else None
        step.next_check_on = next_check(step)
        step.save()
    answer = next((s for s in DeadlineStep.objects.filter(complaint=complaint, step="answer")), None)
    Complaint.objects.filter(pk=complaint.pk).update(answer_due=answer.due_date if answer else None)
    complaint.answer_due = answer.due_date if answer else None
    return sched


def next_check(step: DeadlineStep) -> date | None:
    if step.done_at is not None or step.due_date is None or step.missed_at is not None:
        return None
    if step.reminded_at is None and step.remind_on is not None and step.remind_on <= step.due_date:
        return step.remind_on
    return step.due_date + timedelta(days=1)


def record_event(complaint: Complaint, event_type: str, *, at: datetime | None = None, **kw: Any) -> DeadlineEvent:
    """Append an engine event (validated by the engine first) and store the new due dates."""
    at = at or clock.now()
    if event_type in ENGINE_EVENTS and complaint.policy_name:
        policy, cal, tz = engine_args(complaint)
        try:
            engine.apply_event(
                policy,
                cal,
                tz,
                complaint.received_at,
                _engine_kind(complaint),
                _history(complaint),
                engine.Event(
                    type=event_type,  # type: ignore[arg-type]  # checked: event_type in ENGINE_EVENTS
                    at=at,
                    days=kw.get("days"),
                    notice_at=kw.get("notice_at"),
                    reason=kw.get("reason"),
                ),
                now=at,
            )
        except engine.DeadlineRefused as exc:
            raise ValidationFailed(refusal_text(exc.code, exc.message), code=exc.code) from exc
    event = DeadlineEvent.objects.create(complaint=complaint, event_type=event_type, at=at, **kw)
    deadlines_recompute(complaint)
    return event


@hooks.on("registered", in_transaction=True)
def _on_registered(complaint: Complaint) -> None:
    deadlines_recompute(complaint)


@hooks.on("transition:request_info", in_transaction=True)
def _on_request_info(complaint: Complaint) -> None:
    record_event(complaint, "info_requested")


@hooks.on("transition:register", in_transaction=True)
@hooks.on("transition:resume", in_transaction=True)
def _on_info_complete(complaint: Complaint) -> None:
    last = DeadlineEvent.objects.filter(complaint=complaint, event_type__in=["info_requested", "info_received"]).last()
    if last is not None and last.event_type == "info_requested":
        record_event(complaint, "info_received")


@hooks.on("transition:answer", in_transaction=True)
def _on_answer(complaint: Complaint) -> None:
    last = DeadlineEvent.objects.filter(complaint=complaint, event_type__in=["answered", "reopened"]).last()
    if last is None or last.event_type == "reopened":
        record_event(complaint, "answered")


@hooks.on("transition:reopen", in_transaction=True)
def _on_reopen(complaint: Complaint) -> None:
    # The customer disputes the answer: it is due again, counted from today under the same policy.
    record_event(complaint, "reopened")


for _name in ("close", "redirect"):
    hooks.on(f"transition:{_name}", in_transaction=True)(deadlines_recompute)  # type: ignore[arg-type]
