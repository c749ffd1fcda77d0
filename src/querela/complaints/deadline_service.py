"""Complaints meet the deadline engine: events recorded, due dates stored, extensions, the sweep.

The engine (`querela.deadlines`) is pure date arithmetic; this module feeds it a complaint's history
and stores what it computes (`DeadlineStep`), so lists and the sweep query due dates by index.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock, tenancy
from querela.core.errors import ValidationFailed
from querela.deadlines import engine
from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.policies import PRESETS, Policy
from querela.deadlines.texts import CONSUMER_SENTENCES, EXTENSION_REASON_NAMES, STEP_NAMES
from querela.tenants.access import Actor, require, system_actor
from querela.tenants.models import Membership, Tenant
from querela.tenants.roles import Role

from . import hooks
from .language import complaint_language
from .models import Complaint, DeadlineEvent, DeadlinePolicy, DeadlineStep, EntryType, TimelineEntry
from .notifications import notification_create
from .workflow import FINISHED_STATUSES

log = logging.getLogger(__name__)
ENGINE_EVENTS = frozenset(
    {"acknowledged", "info_requested", "info_received", "extended", "answered", "progress_sent", "reopened"}
)


# --- policy and calendar -------------------------------------------------------------------------


def policy_for(tenant: Tenant, name: str, version: int | None = None) -> tuple[Policy, int]:
    """A policy by name: the tenant's newest version when `version` is None, exactly `version` otherwise.

    Version 0 is the built-in preset; 1, 2, … are the tenant's saved edits. A complaint keeps the
    version it was registered under, so editing a policy never moves an open complaint's deadline.
    """
    qs = DeadlinePolicy.objects.filter(tenant_id=tenant.pk, name=name)
    if version is None:
        row = qs.order_by("-version").first()
    else:
        row = qs.filter(version=version).first() if version else None
    if row is not None:
        return Policy.from_dict(row.definition), row.version
    if name not in PRESETS:
        raise ValidationFailed(_("Unknown deadline policy %(name)s.") % {"name": name})
    return PRESETS[name], 0


def policy_save(*, actor: Actor, name: str, definition: dict[str, Any], new: bool = False) -> DeadlinePolicy:
    """A tenant administrator copies a preset and edits it: each save is a new version."""
    require(actor, "tenant.configure")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", name):
        raise ValidationFailed(_("A policy name is small letters, digits and dashes."), code="invalid_policy")
    definition = {**definition, "name": name}  # the name it is saved under is its name
    if new and (name in PRESETS or DeadlinePolicy.objects.filter(name=name).exists()):
        raise ValidationFailed(
            _("A policy named %(name)s exists already: open it to change it, or choose another name.") % {"name": name},
            code="policy_exists",
        )
    try:
        policy = Policy.from_dict(definition)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_policy") from exc
    try:
        calendar_for(tenancy.current_tenant(), policy)  # a country without a holiday calendar stops every registration
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_policy") from exc
    if empty := [name for name, rule in policy.steps() if rule.period < 1]:
        raise ValidationFailed(
            _("A step must give at least one day: %(steps)s.") % {"steps": ", ".join(empty)}, code="invalid_policy"
        )
    with transaction.atomic():
        last = DeadlinePolicy.objects.filter(name=name).order_by("-version").first()
        row = DeadlinePolicy.objects.create(name=name, version=(last.version + 1) if last else 1, definition=definition)
        audit_record(
            actor=actor,
            action="policy.save",
            object_type="policy",
            object_id=f"{name}@{row.version}",
            changes={"definition": [last.definition if last else None, definition]},
        )
    return row


def calendar_for(tenant: Tenant, policy: Policy) -> BusinessCalendar:
    return _calendar(
        policy.country or tenant.country,
        frozenset(date.fromisoformat(d) for d in tenant.closures),
        frozenset(date.fromisoformat(d) for d in tenant.extra_working_days),
    )


@functools.lru_cache(maxsize=256)
def _calendar(country: str, closures: frozenset[date], extra: frozenset[date]) -> BusinessCalendar:
    # Building a year's holidays is the costly part; calendars are immutable, so share them.
    return BusinessCalendar(country, extra_closures=closures, extra_working_days=extra)


# --- computing -------------------------------------------------------------------------------------


def _engine_kind(complaint: Complaint) -> str:
    return "damage_claim" if complaint.category == "damage" else "complaint"


def _history(complaint: Complaint) -> list[engine.Event]:
    return [
        engine.Event(type=e.event_type, at=e.at, days=e.days, notice_at=e.notice_at, reason=e.reason or None)
        for e in DeadlineEvent.objects.filter(complaint=complaint, event_type__in=ENGINE_EVENTS).order_by("at", "pk")
    ]


def _args(complaint: Complaint) -> tuple[Policy, BusinessCalendar, str]:
    policy, _version = policy_for(complaint.tenant, complaint.policy_name, complaint.policy_version)
    return policy, calendar_for(complaint.tenant, policy), complaint.tenant.time_zone


def schedule_for(complaint: Complaint, *, now: datetime | None = None) -> engine.Schedule:
    policy, cal, tz = _args(complaint)
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
    _policy, cal, _tz = _args(complaint)
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
        step.next_check_on = _next_check(step)
        step.save()
    answer = next((s for s in DeadlineStep.objects.filter(complaint=complaint, step="answer")), None)
    Complaint.objects.filter(pk=complaint.pk).update(answer_due=answer.due_date if answer else None)
    complaint.answer_due = answer.due_date if answer else None
    return sched


def _next_check(step: DeadlineStep) -> date | None:
    if step.done_at is not None or step.due_date is None or step.missed_at is not None:
        return None
    if step.reminded_at is None and step.remind_on is not None and step.remind_on <= step.due_date:
        return step.remind_on
    return step.due_date + timedelta(days=1)


def record_event(complaint: Complaint, event_type: str, *, at: datetime | None = None, **kw: Any) -> DeadlineEvent:
    """Append an engine event (validated by the engine first) and store the new due dates."""
    at = at or clock.now()
    if event_type in ENGINE_EVENTS and complaint.policy_name:
        policy, cal, tz = _args(complaint)
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
            raise ValidationFailed(_refusal_text(exc.code, exc.message), code=exc.code) from exc
    event = DeadlineEvent.objects.create(complaint=complaint, event_type=event_type, at=at, **kw)
    deadlines_recompute(complaint)
    return event


def _refusal_text(code: str, detail: str) -> str:
    texts = {
        "extension_not_allowed": _("The deadline cannot be extended (again) under this policy."),
        "extension_too_long": _("The extension is longer than the policy allows."),
        "extension_after_due": _("The deadline has already passed: it can no longer be extended."),
        "notice_after_due": _("The written notice must reach the customer before the deadline."),
    }
    return f"{texts.get(code, code)} — {detail}"


# --- workflow reactions (in the same transaction as the status change) --------------------------


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
    # Otherwise nothing the engine counts changed; the "registered" hook stores the dates.


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


# --- staff actions -------------------------------------------------------------------------------


def _customer_entry(complaint: Complaint, actor: Actor, text: str, purpose: str, automatic: bool = False) -> None:
    from .services import _entry

    _entry(
        complaint,
        actor,
        EntryType.OUTBOUND,
        text,
        channel=complaint.reply_channel,
        purpose=purpose,
        automatic=automatic,
    )


def consumer_due_sentence(complaint: Complaint, step: str = "answer") -> str:
    """ "We will answer by 16 December 2026", in the customer's language."""
    due = DeadlineStep.objects.filter(complaint=complaint, step=step).values_list("due_date", flat=True).first()
    if due is None:
        return ""
    if due < clock.tenant_today(complaint.tenant):
        if step != "answer":
            return ""
        # Never promise a day that has passed.
        return _("We are late: the answer was due on %(date)s. We apologise and will answer as soon as we can.") % {
            "date": long_date(due)
        }
    sentence = _(CONSUMER_SENTENCES[step]) % {"date": long_date(due)}  # type: ignore[index]
    return sentence.replace("..", ".")  # Hungarian long dates end with a dot already


def long_date(d: date) -> str:
    """ "16 December 2026"; other languages use their own long form ("2026. december 16.", "16 grudnia 2026",
    "16 decembrie 2026": Romanian writes month names in small letters, Django's catalogue capitalises them)."""
    language = translation.get_language()
    text = date_format(d, "j F Y" if language in (None, "en") else "DATE_FORMAT")
    return text.lower() if language == "ro" else text


def complaint_acknowledge(*, actor: Actor, complaint_id: int, automatic: bool = False) -> None:
    """Confirm receipt to the customer, with the date we will answer by."""
    from .services import _lock

    with transaction.atomic():
        complaint = _lock(complaint_id)
        if actor.role != "system":
            require(actor, "complaint.deadlines", complaint)
        if DeadlineEvent.objects.filter(complaint=complaint, event_type="acknowledged").exists():
            return
        record_event(complaint, "acknowledged")
        with translation.override(complaint_language(complaint)):
            text = " ".join(
                filter(
                    None,
                    [
                        _("We have registered your complaint under number %(ref)s.") % {"ref": complaint.reference},
                        consumer_due_sentence(complaint),
                    ],
                )
            )
        _customer_entry(complaint, actor, text, "acknowledge", automatic=automatic)
        audit_record(
            actor=actor, action="complaint.acknowledge", object_type="complaint", object_id=complaint.reference
        )


def complaint_progress_update(*, actor: Actor, complaint_id: int, text: str) -> None:
    from .services import _lock

    if not text.strip():
        raise ValidationFailed(_("Please write the progress report."))
    with transaction.atomic():
        complaint = _lock(complaint_id)
        require(actor, "complaint.deadlines", complaint)
        record_event(complaint, "progress_sent")
        _customer_entry(complaint, actor, text, "progress")
        audit_record(actor=actor, action="complaint.progress", object_type="complaint", object_id=complaint.reference)


def _notice(complaint: Complaint, text: str, *lines: str) -> str:
    """The staff member's text, then the plain-words lines in the customer's language."""
    with translation.override(complaint_language(complaint)):
        extra = [line for line in (*lines, consumer_due_sentence(complaint)) if line]
    return "\n\n".join([text.strip(), *extra])


def complaint_extend(*, actor: Actor, complaint_id: int, days: int | None, reason: str, text: str) -> date | None:
    """Extend the answer deadline: refused beyond the policy; the written notice goes out now, in the reply channel."""
    from .services import _lock

    if reason not in EXTENSION_REASON_NAMES:
        raise ValidationFailed(_("Please choose the reason for the extension."), code="reason_required")
    if not days or days < 1:
        raise ValidationFailed(_("Please give the number of days to extend by."), code="days_required")
    if not text.strip():
        raise ValidationFailed(_("Please write the notice to the customer, with the reason."), code="text_required")
    with transaction.atomic():
        complaint = _lock(complaint_id)
        require(actor, "complaint.deadlines", complaint)
        before = complaint.answer_due
        now = clock.now()
        record_event(complaint, "extended", at=now, days=days, notice_at=now, reason=reason)
        notice = _notice(complaint, text, _reason_line(complaint, reason))
        _customer_entry(complaint, actor, notice, "extend")
        audit_record(
            actor=actor,
            action="complaint.extend",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"answer_due": [before, complaint.answer_due], "days": days, "reason": reason},
        )
    return complaint.answer_due


def _reason_line(complaint: Complaint, reason: str) -> str:
    with translation.override(complaint_language(complaint)):
        return _("Reason for the extension: %(reason)s.") % {"reason": _(EXTENSION_REASON_NAMES[reason]).lower()}


def complaint_reschedule(*, actor: Actor, complaint_id: int, new_date: date | None, text: str) -> None:
    """Policy `reschedule` only (seed 002): once the target is missed or about to be, explain why and give a
    new date. A statutory deadline is never moved this way: it can only be extended within the law."""
    from .services import _lock

    if new_date is None:
        raise ValidationFailed(_("Please give the new target date."), code="date_required")
    if not text.strip():
        raise ValidationFailed(_("Please explain the delay to the customer."), code="text_required")
    with transaction.atomic():
        complaint = _lock(complaint_id)
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
        _customer_entry(complaint, actor, _notice(complaint, text), "reschedule")
        audit_record(
            actor=actor,
            action="complaint.reschedule",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"answer_due": [before, new_date]},
        )


# --- the sweep -----------------------------------------------------------------------------------


def _supervisors_emails() -> list[str]:
    return [
        m.user.email
        for m in Membership.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related("user")
        if m.user.email
    ]


def _notify(complaint: Complaint, kind: str, key: str, recipients: list[str], subject: str, body: str) -> list[int]:
    made = []
    for to in recipients or [""]:
        n = notification_create(
            complaint=complaint, kind=kind, key=f"{key}:{to}", recipient=to, subject=subject, body=body
        )
        if n is not None:
            made.append(n.pk)
    return made


def _sweep_step(step_id: int, today: date) -> list[int]:
    """Act on one step whose check date has come; returns notifications to deliver after commit."""
    qs = DeadlineStep.objects.filter(pk=step_id, next_check_on__lte=today).select_related(
        "complaint__tenant", "complaint__assignee"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    step = qs.first()
    if step is None:  # another worker has it, or it moved
        return []
    c = step.complaint
    actor = system_actor(c.tenant, label="deadline sweep")
    notes: list[int] = []
    with translation.override(c.tenant.default_language):
        due_txt = date_format(step.due_date, "Y-m-d") if step.due_date else ""
        if step.reminded_at is None and step.remind_on and step.remind_on <= today <= (step.due_date or today):
            to = [c.assignee.email] if c.assignee and c.assignee.email else _supervisors_emails()
            notes += _notify(
                c,
                "due_soon",
                f"{step.step}:{step.due_date}",
                to,
                _("%(ref)s is due on %(date)s") % {"ref": c.reference, "date": due_txt},
                _("The %(step)s of complaint %(ref)s is due on %(date)s.")
                % {"step": _(STEP_NAMES[step.step]), "ref": c.reference, "date": due_txt},
            )
            step.reminded_at = clock.now()
            audit_record(
                actor=actor,
                action="deadline.due_soon",
                object_type="complaint",
                object_id=c.reference,
                changes={"step": step.step, "due": step.due_date},
            )
        if step.missed_at is None and step.due_date and today > step.due_date:
            step.missed_at = clock.now()
            policy, _v = policy_for(c.tenant, c.policy_name, c.policy_version)
            outcome = policy.on_miss if step.step == "answer" else "breach"
            to = _supervisors_emails() + ([c.assignee.email] if c.assignee and c.assignee.email else [])
            subject = _("%(ref)s missed its %(step)s deadline (%(date)s)") % {
                "ref": c.reference,
                "step": _(STEP_NAMES[step.step]),
                "date": due_txt,
            }
            from .services import complaint_flag  # services imports this module

            if outcome == "deemed_accepted":
                Complaint.objects.filter(pk=c.pk).update(deemed_accepted=True)
                flag = _("Not answered in time: the law treats it as accepted.")
                body = _("Complaint %(ref)s was not answered in time: by law it is deemed accepted.")
            elif outcome == "reschedule":
                flag = _("Target date missed: explain the delay and give the customer a new date.")
                body = _(
                    "Complaint %(ref)s missed its target date: the customer must get an explanation and a new date."
                )
            else:
                flag = _("Deadline missed: escalated to the supervisor.")
                body = _("Complaint %(ref)s missed its deadline and is escalated to you.")
            # Added to what is already flagged (an identity doubt must not vanish under a breach).
            complaint_flag(actor=actor, complaint_id=c.pk, note=flag)
            notes += _notify(c, outcome, f"{step.step}:{step.due_date}", to, subject, body % {"ref": c.reference})
            TimelineEntry.objects.create(
                complaint=c,
                entry_type=EntryType.SYSTEM,
                author_label="deadline sweep",
                body=subject,
                data={"deadline": outcome, "step": step.step},
            )
            audit_record(
                actor=actor,
                action=f"deadline.{outcome}",
                object_type="complaint",
                object_id=c.reference,
                changes={"step": step.step, "due": step.due_date},
            )
    step.next_check_on = _next_check(step)
    step.save(update_fields=["reminded_at", "missed_at", "next_check_on"])
    return notes


def deadline_sweep_tenant(tenant: Tenant, *, now: datetime | None = None, batch: int = 500) -> int:
    """Reminders and misses for one tenant. Reads only the steps whose check date has come."""
    today = clock.tenant_date(tenant, now or clock.now())
    handled = 0
    with tenancy.tenant_scope(tenant):
        ids = list(
            DeadlineStep.objects.filter(next_check_on__lte=today)
            .order_by("next_check_on")
            .values_list("pk", flat=True)[:batch]
        )
        for step_id in ids:
            with transaction.atomic():
                notes = _sweep_step(step_id, today)
                for nid in notes:
                    transaction.on_commit(lambda nid=nid, tid=tenant.pk: _deliver(tid, nid))  # type: ignore[misc]
            handled += 1
    return handled


def _deliver(tenant_id: int, notification_id: int) -> None:
    from .tasks import deliver_notification_task

    deliver_notification_task(tenant_id, notification_id)


def deadline_sweep(*, now: datetime | None = None) -> int:
    return sum(deadline_sweep_tenant(t, now=now) for t in Tenant.objects.filter(is_active=True))


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


def deadline_actions(complaint: Complaint) -> tuple[list[str], list[str]]:
    """The deadline steps a handler may take now, and the extension reasons the policy accepts."""
    if not complaint.policy_name or complaint.status in FINISHED_STATUSES:
        return [], []
    sched = schedule_for(complaint)
    policy, _cal, _tz = _args(complaint)
    actions = [
        action
        for action, step in (("acknowledge", "ack"), ("progress", "progress"))
        if (s := sched.step(step)) is not None and s.done_on is None  # type: ignore[arg-type]
    ]
    reasons: list[str] = []
    if sched.extension.can_extend:
        actions.append("extend")
        reasons = list(policy.extension.reasons) or list(EXTENSION_REASON_NAMES)
    answer = sched.step("answer")
    if sched.on_miss == "reschedule" and answer is not None and answer.state in ("due_soon", "breached"):
        actions.append("reschedule")
    return actions, reasons


def deadline_overview(complaint: Complaint) -> dict[str, Any]:
    """What staff see on the case file: each step's due date, countdown and state; may I extend?"""
    from querela.deadlines.texts import STATE_NAMES, STEP_EXPLANATIONS, STEP_NAMES

    if not complaint.policy_name:
        return {"steps": [], "extension": None}
    sched = schedule_for(complaint)
    today = clock.tenant_today(complaint.tenant)
    stored = {s.step: s for s in DeadlineStep.objects.filter(complaint=complaint)}
    steps = []
    for s in sched.steps:
        due = stored[s.name].due_date if s.name in stored else s.due
        steps.append(
            {
                "name": _(STEP_NAMES[s.name]),
                "explanation": _(STEP_EXPLANATIONS[s.name]),
                "due": due,
                "state": s.state,
                "state_label": _(STATE_NAMES[s.state]),
                "days_left": (due - today).days if due and s.done_on is None else None,
                "done_on": s.done_on,
            }
        )
    policy, _cal, _tz = _args(complaint)
    return {
        "steps": steps,
        "extension": sched.extension,
        "working_days": policy.answer.unit == "business_days",  # the extension counts in the answer's unit
        "info_owed": sched.info_owed,
        "policy": complaint.policy_name,
    }
