"""Complaints meet the deadline engine: events recorded, the engine run on a complaint's history, and
what it computes stored (`DeadlineStep`, `answer_due`) so lists and the sweep query due dates by index.

The engine (`querela.deadlines`) is pure date arithmetic; the workflow's transitions record their
deadline events here: each row of `workflow.TRANSITIONS` names its effect, applied by
`apply_deadline_effect` in the transition's transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from querela.core import clock
from querela.core.errors import ValidationFailed
from querela.deadlines import engine
from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.policies import Policy

from .deadline_policies import calendar_for, policy_for
from .deadline_texts import refusal_text
from .models import Complaint, DeadlineEvent, DeadlineStep
from .workflow import FINISHED_STATUSES, DeadlineEffect

ENGINE_EVENTS = frozenset(
    {"acknowledged", "info_requested", "info_received", "extended", "answered", "progress_sent", "reopened"}
    | {"rescheduled"}
)


def _engine_kind(complaint: Complaint) -> str:
    return "damage_claim" if complaint.category == "damage" else "complaint"


def _event_rows(complaint: Complaint) -> list[DeadlineEvent]:
    """Every deadline event of the complaint, in order: read once per recompute."""
    return list(DeadlineEvent.objects.filter(complaint=complaint).order_by("at", "pk"))


def _history(complaint: Complaint, rows: list[DeadlineEvent] | None = None) -> list[engine.Event]:
    rows = _event_rows(complaint) if rows is None else rows
    return [
        engine.Event(type=e.event_type, at=e.at, days=e.days, notice_at=e.notice_at, reason=e.reason or None)  # type: ignore[arg-type]
        for e in rows
        if e.event_type in ENGINE_EVENTS
    ]


def engine_args(complaint: Complaint) -> tuple[Policy, BusinessCalendar, str]:
    policy, _version = policy_for(complaint.tenant, complaint.policy_name, complaint.policy_version)
    return policy, calendar_for(complaint.tenant, policy), complaint.tenant.time_zone


def schedule_for(
    complaint: Complaint, *, now: datetime | None = None, rows: list[DeadlineEvent] | None = None
) -> engine.Schedule:
    policy, cal, tz = engine_args(complaint)
    return engine.compute(
        policy,
        cal,
        tz,
        complaint.received_at,
        _engine_kind(complaint),
        _history(complaint, rows),
        now=now or clock.now(),
        due_soon_days=complaint.tenant.reminder_working_days,
    )


def deadlines_recompute(
    complaint: Complaint,
    *,
    sched: engine.Schedule | None = None,
    rows: list[DeadlineEvent] | None = None,
    fresh: bool = False,
) -> engine.Schedule | None:
    """Store each step's current due date and when the sweep must next look at it.

    One read of the events, one engine run (or the schedule the caller already computed), one read of
    the stored steps, and only the writes that change something. `fresh` (a complaint being registered
    in this transaction): nothing stored to read, and `answer_due` is left for the registration to write."""
    if not complaint.policy_name:
        return None
    rows = _event_rows(complaint) if rows is None else rows
    sched = sched or schedule_for(complaint, rows=rows)
    _policy, cal, _tz = engine_args(complaint)
    # Once answered (or closed), nothing is left to chase: an acknowledgement or progress report
    # that never went out can no longer be sent on time, and reminding about it would be noise.
    answer_step = sched.step("answer")
    answered = answer_step is not None and answer_step.done_on is not None
    closed = answered or complaint.status in FINISHED_STATUSES
    # After a first answer, a reopened complaint owes only a new answer, not a late acknowledgement.
    ever_answered = any(r.event_type == "answered" for r in rows)
    today = clock.tenant_today(complaint.tenant)
    # `fresh`: a complaint created in this transaction has no stored steps to read back.
    stored = {} if fresh else {step.step: step for step in DeadlineStep.objects.filter(complaint=complaint)}
    created: list[DeadlineStep] = []
    changed: list[DeadlineStep] = []
    answer_due = None
    for s in sched.steps:
        due = s.due  # the engine's: a rescheduled target is one of its events
        step = stored.get(s.name) or DeadlineStep(tenant_id=complaint.tenant_id, complaint=complaint, step=s.name)
        before = (step.due_date, step.done_at, step.remind_on, step.reminded_at, step.missed_at, step.next_check_on)
        done = s.done_on is not None or closed or (s.name != "answer" and ever_answered)
        if step.due_date != due:
            step.reminded_at = None  # a moved deadline deserves its own reminder
            if due and step.missed_at and due >= today:
                step.missed_at = None
        step.due_date = due
        step.done_at = (step.done_at or clock.now()) if done else None
        step.remind_on = cal.add_business_days(due, -complaint.tenant.reminder_working_days) if due else None
        step.next_check_on = next_check(step)
        if s.name == "answer":
            answer_due = due
        if step.pk is None:
            created.append(step)
        elif before != (
            step.due_date,
            step.done_at,
            step.remind_on,
            step.reminded_at,
            step.missed_at,
            step.next_check_on,
        ):
            changed.append(step)
    if created:
        DeadlineStep.objects.bulk_create(created)
    if changed:
        DeadlineStep.objects.bulk_update(
            changed, ["due_date", "done_at", "remind_on", "reminded_at", "missed_at", "next_check_on"]
        )
    if "answer" not in {s.name for s in sched.steps}:
        answer_due = stored["answer"].due_date if "answer" in stored else None
    # The worklist's keys: the earliest step still owed, and its reminder day.
    steps = {**stored, **{step.step: step for step in created}}
    pending = sorted(
        (step.due_date, step.remind_on or step.due_date)
        for step in steps.values()
        if step.done_at is None and step.due_date is not None
    )
    next_due, next_remind = pending[0] if pending else (None, None)
    keys = {"answer_due": answer_due, "next_due": next_due, "next_remind": next_remind}
    if fresh:
        # The registration writes them, with the reference number.
        complaint.answer_due, complaint.next_due, complaint.next_remind = answer_due, next_due, next_remind
    elif any(getattr(complaint, k) != v for k, v in keys.items()):
        Complaint.objects.filter(pk=complaint.pk).update(**keys)
        complaint.answer_due, complaint.next_due, complaint.next_remind = answer_due, next_due, next_remind
    return sched


def next_check(step: DeadlineStep) -> date | None:
    if step.done_at is not None or step.due_date is None or step.missed_at is not None:
        return None
    if step.reminded_at is None and step.remind_on is not None and step.remind_on <= step.due_date:
        return step.remind_on
    return step.due_date + timedelta(days=1)


def record_event_once(complaint: Complaint, event_type: str) -> DeadlineEvent | None:
    """`record_event`, unless the complaint already has such an event (then None)."""
    rows = _event_rows(complaint)
    if any(r.event_type == event_type for r in rows):
        return None
    return record_event(complaint, event_type, rows=rows)


def record_event(
    complaint: Complaint,
    event_type: str,
    *,
    at: datetime | None = None,
    rows: list[DeadlineEvent] | None = None,
    fresh: bool = False,
    **kw: Any,
) -> DeadlineEvent:
    """Append an engine event (validated by the engine first) and store the new due dates, with one
    engine run: the schedule that validated the event is the one stored."""
    at = at or clock.now()
    rows = _event_rows(complaint) if rows is None else rows
    sched = None
    if event_type in ENGINE_EVENTS and complaint.policy_name:
        policy, cal, tz = engine_args(complaint)
        try:
            sched = engine.apply_event(
                policy,
                cal,
                tz,
                complaint.received_at,
                _engine_kind(complaint),
                _history(complaint, rows),
                engine.Event(
                    type=event_type,  # type: ignore[arg-type]  # checked: event_type in ENGINE_EVENTS
                    at=at,
                    days=kw.get("days"),
                    notice_at=kw.get("notice_at"),
                    reason=kw.get("reason"),
                ),
                now=at,
                due_soon_days=complaint.tenant.reminder_working_days,
            )
        except engine.DeadlineRefused as exc:
            raise ValidationFailed(refusal_text(exc.code, exc.message), code=exc.code) from exc
    event = DeadlineEvent.objects.create(complaint=complaint, event_type=event_type, at=at, **kw)
    deadlines_recompute(complaint, sched=sched, rows=[*rows, event], fresh=fresh)
    return event


def apply_deadline_effect(complaint: Complaint, effect: DeadlineEffect) -> None:
    """What a workflow transition tells the engine (its row's `deadline`), called by the transition in
    its own transaction: an event recorded (the steps recomputed with it), or only a recompute."""
    if effect == "info_received":
        last = DeadlineEvent.objects.filter(
            complaint=complaint, event_type__in=["info_requested", "info_received"]
        ).last()
        if last is not None and last.event_type == "info_requested":  # complete only what was asked
            record_event(complaint, "info_received")
        return
    if effect == "answered":
        last = DeadlineEvent.objects.filter(complaint=complaint, event_type__in=["answered", "reopened"]).last()
        if last is None or last.event_type == "reopened":
            record_event(complaint, "answered")
        return
    if effect == "recompute":
        deadlines_recompute(complaint)
        return
    record_event(complaint, effect)  # info_requested, reopened
