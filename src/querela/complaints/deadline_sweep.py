"""The deadline sweep: reminders before a due date and the policy's outcome after it (escalate, deemed
accepted, reschedule), each once."""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock, tenancy
from querela.deadlines.texts import STEP_NAMES
from querela.tenants.access import system_actor
from querela.tenants.models import Membership, Tenant
from querela.tenants.roles import Role

from . import hooks
from .deadline_policies import policy_for
from .deadline_schedule import next_check
from .models import Complaint, DeadlineStep, EntryType
from .notifications import notification_create
from .services import complaint_flag
from .timeline import add_entry


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
                # Reported, not escalated: "escalated" is the workflow's transition, which a person
                # (or the customer) makes; the sweep only tells the supervisors and the assignee.
                flag = _("Deadline missed: the supervisors have been told.")
                body = _("Complaint %(ref)s missed its deadline: it needs a supervisor's attention.")
            # Added to what is already flagged (an identity doubt must not vanish under a breach).
            complaint_flag(actor=actor, complaint_id=c.pk, note=flag)
            notes += _notify(c, outcome, f"{step.step}:{step.due_date}", to, subject, body % {"ref": c.reference})
            add_entry(c, actor, EntryType.SYSTEM, subject, deadline=outcome, step=step.step)
            changes: dict[str, object] = {"step": step.step, "due": step.due_date}
            if outcome == "deemed_accepted":
                changes["deemed_accepted"] = [False, True]
            audit_record(
                actor=actor,
                action=f"deadline.{outcome}",
                object_type="complaint",
                object_id=c.reference,
                changes=changes,
            )
    step.next_check_on = next_check(step)
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
                    hooks.after_commit("notification:created", tenant.pk, nid)
            handled += 1
    return handled


def deadline_sweep(*, now: datetime | None = None) -> int:
    return sum(deadline_sweep_tenant(t, now=now) for t in Tenant.objects.filter(is_active=True))
