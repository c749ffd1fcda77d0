"""Reads about a complaint's deadlines for pages and the API: which deadline actions are possible now,
and the overview of its steps."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from querela.core import clock
from querela.deadlines.texts import EXTENSION_REASON_NAMES, STEP_NAMES

from .deadline_schedule import engine_args, schedule_for
from .models import Complaint, DeadlineStep
from .workflow import FINISHED_STATUSES


def deadline_actions(complaint: Complaint) -> tuple[list[str], list[str]]:
    """The deadline steps a handler may take now, and the extension reasons the policy accepts."""
    if not complaint.policy_name or complaint.status in FINISHED_STATUSES:
        return [], []
    sched = schedule_for(complaint)
    policy, _cal, _tz = engine_args(complaint)
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
    from querela.deadlines.texts import STATE_NAMES, STEP_EXPLANATIONS

    if not complaint.policy_name:
        return {"steps": [], "extension": None}
    sched = schedule_for(complaint)
    today = clock.tenant_today(complaint.tenant)
    stored = {s.step: s for s in DeadlineStep.objects.filter(complaint=complaint)}
    steps = []
    for s in sched.steps:
        due = stored[s.name].due_date if s.name in stored else s.due
        days_left = (due - today).days if due and s.done_on is None else None
        steps.append(
            {
                "name": _(STEP_NAMES[s.name]),
                "explanation": _(STEP_EXPLANATIONS[s.name]),
                "due": due,
                "state": s.state,
                "state_label": _(STATE_NAMES[s.state]),
                "days_left": days_left,
                "days_late": -days_left if days_left is not None and days_left < 0 else 0,
                "done_on": s.done_on,
            }
        )
    policy, _cal, _tz = engine_args(complaint)
    return {
        "steps": steps,
        "extension": sched.extension,
        "working_days": policy.answer.unit == "business_days",  # the extension counts in the answer's unit
        "info_owed": sched.info_owed,
        "policy": complaint.policy_name,
    }
