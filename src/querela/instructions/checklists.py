"""The checklist on a case (issue 14, item 4; seed 003: "follow how far each required operation has
progressed"): the steps of the work instruction a complaint follows, attached when it is registered or its
category is corrected, each assigned to the people acting for the step's job on that day (holders and
deputies, `orgchart.selectors.holder_user_ids`).

- Due date: the step's `days` counted in calendar days from the day it was attached, never past the
  complaint's `answer_due`.
- Done: the step's evidence is required when the step names any (`evidence_required`): at least one file
  (uploaded now as an attachment of the complaint, `complaint_attach`) or a note saying where it is.
- Not applicable: a reason is required.
- Who may: the step's assignees, the complaint's handler (its assignee) or a supervisor; the handler or a
  supervisor hands a step to other staff with a reason (`checklist_step_reassign`).
- The answer: refused while a mandatory step is open, unless a supervisor recorded an override with a
  reason (`checklist_override`); registered as an answer check in `complaints.answer_checks`.
- A new category: the old instruction's open steps are closed as not applicable ("category changed") and
  the new instruction's attached. Attaching again is a no-op.
- Another instruction of the same category (the automatic pick does not fit: a billing complaint about the
  tariff, not the amount): the handler or a supervisor chooses it with a reason (`checklist_choose`); the
  choice holds while the category stays.
Every change is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.language import complaint_language
from querela.complaints.models import Attachment, Complaint
from querela.complaints.progress import Operation
from querela.complaints.services import Upload, complaint_attach
from querela.complaints.timeline import lock_complaint
from querela.complaints.workflow import OPEN_STATUSES
from querela.core import clock, tenancy
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.orgchart.models import Job
from querela.orgchart.selectors import holder_user_ids, person_name
from querela.tenants.access import Actor, system_actor
from querela.tenants.models import Membership
from querela.tenants.roles import STAFF_ROLES, Role

from .models import ChecklistChoice, ChecklistOverride, ChecklistStep, StepState, WorkInstruction
from .selectors import instruction_for

logger = logging.getLogger(__name__)

CATEGORY_CHANGED = "category changed"
SWITCHED = "another instruction chosen"


def _instruction_of(complaint: Complaint) -> WorkInstruction | None:
    """The instruction a handler chose for the case while its category stays, else the one picked for it."""
    choice = ChecklistChoice.objects.filter(complaint_id=complaint.pk, category=complaint.category).first()
    if choice is not None:
        chosen = _current(choice.instruction_code, complaint)
        if chosen is not None:
            return chosen
    place = complaint.place
    return instruction_for(
        category=complaint.category,
        language=complaint_language(complaint),
        channel=complaint.channel,
        service_type=getattr(place, "service_type", "") or "",
    )


def _carried(done: ChecklistStep | None) -> dict[str, object]:
    if done is None:
        return {}
    where = f"{done.instruction.code} v{done.instruction.version}"
    return {
        "state": StepState.DONE,
        "note": (_("Done under %(instruction)s.") % {"instruction": where} + " " + done.note).strip()[:4000],
        "evidence_ids": list(done.evidence_ids or []),
        "done_by_id": done.done_by_id,
        "done_at": done.done_at,
    }


def _current(code: str, complaint: Complaint) -> WorkInstruction | None:
    """The current version of an instruction of the complaint's category, in its language if there is one."""
    found = list(WorkInstruction.objects.filter(code=code, category=complaint.category, is_current=True))
    language = complaint_language(complaint)
    found.sort(key=lambda i: i.language != language)
    return found[0] if found else None


def checklist_attach(complaint: Complaint, *, closing_note: str = CATEGORY_CHANGED) -> list[ChecklistStep]:
    """Attach the steps of the instruction the complaint follows now; idempotent. Steps of another
    instruction still open are closed as not applicable (`closing_note`: the category changed, or a handler
    chose another instruction). Returns the steps attached now (none when the checklist was already there)."""
    with transaction.atomic():
        complaint = lock_complaint(complaint.pk)
        if complaint.status not in OPEN_STATUSES:
            return []  # a category corrected on an answered case: nothing left to check
        instruction = _instruction_of(complaint)
        existing = list(ChecklistStep.objects.filter(complaint=complaint).select_related("instruction"))
        current = instruction.pk if instruction is not None else None
        stale = [s for s in existing if s.state == StepState.OPEN and s.instruction_id != current]
        now = clock.now()
        for s in stale:
            s.state, s.note, s.done_at = StepState.NOT_APPLICABLE, closing_note, now
            s.save(update_fields=["state", "note", "done_at"])
        if stale:
            _audit(
                system_actor(complaint.tenant, label="checklist"),
                complaint,
                action="checklist.close",
                steps=len(stale),
                reason=closing_note,
            )
        if instruction is None:
            return []
        mine = [s for s in existing if s.instruction_id == current]
        if mine:
            # Back to a category it had before: the steps closed by the change open again, the rest stay.
            again = [s for s in mine if s.state == StepState.NOT_APPLICABLE and s.note in (CATEGORY_CHANGED, SWITCHED)]
            for s in again:
                s.state, s.note, s.done_at = StepState.OPEN, "", None
                s.save(update_fields=["state", "note", "done_at"])
            if again:
                _audit(
                    system_actor(complaint.tenant, label="checklist"),
                    complaint,
                    action="checklist.attach",
                    instruction=f"{instruction.code} v{instruction.version}",
                    steps=len(again),
                )
            return again
        today = clock.tenant_today(complaint.tenant)
        holders: dict[str, list[int]] = {}
        rows = []
        # A check already done for this complaint under another instruction is not done twice: the new
        # step starts done, naming where (the tariff checked under the tariff instruction, then the case
        # follows the disputed-amount one).
        done_before = {s.check_code: s for s in existing if s.state == StepState.DONE}
        for step in instruction.steps.order_by("position"):
            if step.job_code not in holders:
                holders[step.job_code] = holder_user_ids(step.job_code, on=today)
            due = today + timedelta(days=step.days)
            if complaint.answer_due is not None:
                due = min(due, max(complaint.answer_due, today))
            rows.append(
                ChecklistStep(
                    tenant_id=complaint.tenant_id,
                    complaint=complaint,
                    instruction=instruction,
                    position=step.position,
                    check_code=step.check_code,
                    title=step.title,
                    job_code=step.job_code,
                    evidence_required=step.evidence,
                    mandatory=step.mandatory,
                    assignee_ids=holders[step.job_code],
                    attached_on=today,
                    due_on=due,
                    **_carried(done_before.get(step.check_code)),
                )
            )
        ChecklistStep.objects.bulk_create(rows)
        _audit(
            system_actor(complaint.tenant, label="checklist"),
            complaint,
            action="checklist.attach",
            instruction=f"{instruction.code} v{instruction.version}",
            steps=len(rows),
        )
    return rows


def _audit(actor: Actor, complaint: Complaint, *, action: str, **changes: object) -> None:
    """Every checklist event is told of its complaint (the audit log's page lists them under the case)."""
    audit_record(
        actor=actor,
        action=action,
        object_type="complaint",
        object_id=complaint.reference,
        changes={"complaint": complaint.reference, **changes},
    )


def _may_act(actor: Actor, step: ChecklistStep, complaint: Complaint) -> None:
    if actor.role == Role.SUPERVISOR or actor.user_id in (step.assignee_ids or []):
        return
    if actor.role == Role.HANDLER and complaint.assignee_id == actor.user_id:
        return
    raise PermissionDenied(_("Only the people of the step's job, the complaint's handler or a supervisor may."))


def _open_step(actor: Actor, step_id: int) -> tuple[ChecklistStep, Complaint]:
    step = ChecklistStep.objects.filter(pk=step_id).first()
    if step is None:
        raise NotFound(_("No such checklist step."))
    complaint = lock_complaint(step.complaint_id)
    step = ChecklistStep.objects.select_for_update().get(pk=step_id)
    _may_act(actor, step, complaint)
    if step.state != StepState.OPEN:
        raise ValidationFailed(_("This step is no longer open."), code="step_closed")
    return step, complaint


def checklist_step_done(
    *, actor: Actor, step_id: int, note: str = "", uploads: Sequence[Upload] = (), evidence_ids: Iterable[int] = ()
) -> ChecklistStep:
    """Mark a step done. When the step names evidence, at least one file (uploaded now, or an attachment
    already on the complaint) or a note saying what was found and where is required."""
    note = note.strip()
    with transaction.atomic():
        step, complaint = _open_step(actor, step_id)
        chosen = list(
            Attachment.objects.filter(complaint=complaint, pk__in=list(evidence_ids)).values_list("pk", flat=True)
        )
        for upload in uploads:
            chosen.append(complaint_attach(actor=actor, complaint_id=complaint.pk, upload=upload).pk)
        if step.evidence_required.strip() and not chosen and not note:
            raise ValidationFailed(
                _("This step needs its evidence: upload a file or write a note saying what was found."),
                code="evidence_required",
            )
        step.state, step.note, step.evidence_ids = StepState.DONE, note[:4000], chosen
        step.done_by_id, step.done_at = actor.user_id, clock.now()
        step.save(update_fields=["state", "note", "evidence_ids", "done_by", "done_at"])
        _audit(actor, complaint, action="checklist.done", step=step.title, state=["open", "done"], files=len(chosen))
    return step


def checklist_step_not_applicable(*, actor: Actor, step_id: int, reason: str) -> ChecklistStep:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why this step does not apply."), code="reason_required")
    with transaction.atomic():
        step, complaint = _open_step(actor, step_id)
        step.state, step.note = StepState.NOT_APPLICABLE, reason[:4000]
        step.done_by_id, step.done_at = actor.user_id, clock.now()
        step.save(update_fields=["state", "note", "done_by", "done_at"])
        _audit(
            actor,
            complaint,
            action="checklist.not_applicable",
            step=step.title,
            state=["open", "not_applicable"],
            reason=reason[:500],
        )
    return step


def checklist_step_reassign(*, actor: Actor, step_id: int, user_ids: Sequence[int], reason: str) -> ChecklistStep:
    """Hand an open step to other people (the job's holders are away, or the step needs someone else's
    expertise): the complaint's handler or a supervisor, with a reason; only active staff of the supplier."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the step goes to someone else."), code="reason_required")
    wanted = list(dict.fromkeys(int(u) for u in user_ids))
    if not wanted:
        raise ValidationFailed(_("Choose who does this step."), code="assignees_required")
    with transaction.atomic():
        step, complaint = _open_step(actor, step_id)
        if actor.role != Role.SUPERVISOR and complaint.assignee_id != actor.user_id:
            raise PermissionDenied(_("Only the complaint's handler or a supervisor may hand a step to someone else."))
        staff = set(
            Membership.objects.filter(user_id__in=wanted, is_active=True, role__in=STAFF_ROLES).values_list(
                "user_id", flat=True
            )
        )
        if set(wanted) - staff:
            raise ValidationFailed(_("A step goes only to active staff of this supplier."), code="not_staff")
        before = list(step.assignee_ids or [])
        step.assignee_ids = wanted
        step.save(update_fields=["assignee_ids"])
        _audit(
            actor,
            complaint,
            action="checklist.reassign",
            step=step.title,
            assignees=[before, wanted],
            reason=reason[:500],
        )
    return step


def checklist_choices(complaint: Complaint) -> list[WorkInstruction]:
    """The current instructions of the complaint's category a handler may choose instead (its language
    first, then the supplier's), one per code: one query."""
    language = complaint_language(complaint)
    found = sorted(
        WorkInstruction.objects.filter(category=complaint.category, is_current=True).only(
            "pk", "code", "title", "version", "language", "category"
        ),
        key=lambda i: (i.code, i.language != language),
    )
    return [i for n, i in enumerate(found) if n == 0 or found[n - 1].code != i.code]


def checklist_choose(*, actor: Actor, complaint_id: int, instruction_id: int, reason: str) -> list[ChecklistStep]:
    """The complaint's handler or a supervisor has the case follow another instruction of its category (the
    automatic pick did not fit what the customer reports), saying why. The open steps of the instruction
    followed until now are closed as not applicable; what was done stays on the case. Returns the steps
    attached."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the case follows another instruction."), code="reason_required")
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        if actor.role != Role.SUPERVISOR and not (
            actor.role == Role.HANDLER and complaint.assignee_id == actor.user_id
        ):
            raise PermissionDenied(_("Only the complaint's handler or a supervisor may choose its instruction."))
        if complaint.status not in OPEN_STATUSES:
            raise ValidationFailed(_("The complaint is no longer open."), code="finished")
        instruction = WorkInstruction.objects.filter(pk=instruction_id, is_current=True).first()
        if instruction is None or instruction.category != complaint.category:
            raise ValidationFailed(
                _("Choose a current instruction for complaints of this category."), code="wrong_instruction"
            )
        before = _instruction_of(complaint)
        ChecklistChoice.objects.update_or_create(
            complaint=complaint,
            defaults={
                "category": complaint.category,
                "instruction_code": instruction.code,
                "reason": reason[:2000],
                "chosen_by_id": actor.user_id,
                "chosen_at": clock.now(),
            },
        )
        _audit(
            actor,
            complaint,
            action="checklist.choose",
            instruction=[
                f"{before.code} v{before.version}" if before else None,
                f"{instruction.code} v{instruction.version}",
            ],
            reason=reason[:500],
        )
        return checklist_attach(complaint, closing_note=SWITCHED)


def checklist_override(*, actor: Actor, complaint_id: int, reason: str) -> ChecklistOverride:
    """A supervisor lets the answer go out with mandatory steps still open, saying why."""
    if actor.role != Role.SUPERVISOR:
        raise PermissionDenied(_("Only a supervisor may let the answer go out with the checklist open."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the answer may go out with the checklist open."), code="reason_required")
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        override = ChecklistOverride.objects.create(
            complaint=complaint, reason=reason[:2000], created_by_id=actor.user_id, created_at=clock.now()
        )
        _audit(actor, complaint, action="checklist.override", reason=reason[:500])
    return override


def answer_refusal(complaint: Complaint) -> str | None:
    """The answer check: mandatory steps open and no supervisor's override. Two queries at most. (A checklist
    whose job was lost is attached by `checklists_missing` through the periodic sweep.)"""
    open_steps = list(
        ChecklistStep.objects.filter(complaint_id=complaint.pk, mandatory=True, state=StepState.OPEN)
        .order_by("position")
        .values_list("title", flat=True)[:4]
    )
    if not open_steps:
        return None
    if ChecklistOverride.objects.filter(complaint_id=complaint.pk).exists():
        return None
    return _("Mandatory checklist steps are still open: %(steps)s. Finish them, or ask a supervisor to override.") % {
        "steps": "; ".join(open_steps)
    }


# Reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistRow:
    step: ChecklistStep
    overdue: bool
    may_act: bool
    job_title: str = ""
    # Who the step is with, by name (holders and deputies of the day it was attached, or whom it was handed to).
    assignees: tuple[str, ...] = ()
    # The files proving it: (attachment id, file name).
    evidence: tuple[tuple[int, str], ...] = ()
    may_reassign: bool = False
    # On the first step of an instruction the case no longer follows: that instruction, as a heading.
    earlier: WorkInstruction | None = None


def checklist_of(actor: Actor, complaint: Complaint, *, files: dict[int, str] | None = None) -> list[ChecklistRow]:
    """The complaint's checklist for the case file, current instruction first. `files`: the complaint's
    attachments by id (the case file has read them with the timeline). Three queries with a checklist, one
    without."""
    today = clock.tenant_today(complaint.tenant)
    steps = list(
        ChecklistStep.objects.filter(complaint_id=complaint.pk)
        .select_related("done_by", "instruction")
        .order_by("-attached_on", "-instruction_id", "position")
    )
    if not steps:
        return []
    if files is None:
        files = dict(Attachment.objects.filter(complaint_id=complaint.pk).values_list("pk", "filename"))
    codes = {s.job_code.lower() for s in steps}
    titles = {
        code.lower(): title
        for code, title in Job.objects.filter(code__in=[s.job_code for s in steps]).values_list("code", "title")
        if code.lower() in codes
    }
    people = {u.pk: person_name(u) for u in _users({i for s in steps for i in (s.assignee_ids or [])})}
    reassigns = actor.role == Role.SUPERVISOR or complaint.assignee_id == actor.user_id
    # The instruction followed now: the one with open steps, else the one worked last; its steps first.
    open_ones = [s for s in steps if s.state == StepState.OPEN]
    latest = max(open_ones or steps, key=lambda s: (s.done_at.timestamp() if s.done_at else 0.0, s.pk))
    current = latest.instruction_id
    steps.sort(key=lambda s: (s.instruction_id != current, -s.instruction_id, s.position))
    rows = []
    seen: set[int] = set()
    for s in steps:
        try:
            _may_act(actor, s, complaint)
            may = s.state == StepState.OPEN
        except PermissionDenied:
            may = False
        rows.append(
            ChecklistRow(
                s,
                s.state == StepState.OPEN and s.due_on < today,
                may,
                job_title=titles.get(s.job_code.lower(), ""),
                assignees=tuple(people[i] for i in (s.assignee_ids or []) if i in people),
                evidence=tuple((i, files[i]) for i in (s.evidence_ids or []) if i in files),
                may_reassign=may and reassigns and not complaint.is_finished,
                earlier=s.instruction if s.instruction_id != current and s.instruction_id not in seen else None,
            )
        )
        seen.add(s.instruction_id)
    return rows


def _users(ids: set[int]) -> list[Any]:
    if not ids:
        return []
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids).only("pk", "username", "first_name", "last_name"))


def checklist_operations(rows: Iterable[ChecklistRow]) -> list[Operation]:
    """The checklist's steps as operations of the Progress card (closed by a category change: cancelled)."""
    out = []
    for r in rows:
        s = r.step
        if s.state == StepState.DONE:
            state = "done"
        elif s.state == StepState.NOT_APPLICABLE:
            state = "cancelled"
        else:
            state = "overdue" if r.overdue else "pending"
        # The day in the supplier's calendar, as the checklist shows the time (not the UTC date).
        done_on = clock.tenant_date(tenancy.current_tenant(), s.done_at) if s.done_at else None
        out.append(
            Operation(
                s.title,
                state,  # type: ignore[arg-type]
                due=s.due_on,
                done_on=done_on,
                detail=_("checklist") if s.mandatory else _("checklist, optional"),
                anchor=f"step-{s.pk}",
            )
        )
    return out


def checklist_counts(complaint_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(done, counted) per complaint for the worklist (not-applicable steps are not counted): one query."""
    if not complaint_ids:
        return {}
    rows = (
        ChecklistStep.objects.filter(complaint_id__in=list(complaint_ids))
        .exclude(state=StepState.NOT_APPLICABLE)
        .values("complaint_id")
        .annotate(done=Count("pk", filter=Q(state=StepState.DONE)), total=Count("pk"))
    )
    return {r["complaint_id"]: (r["done"], r["total"]) for r in rows}


def checklists_missing(*, older_than_seconds: int, limit: int = 500) -> list[tuple[int, int]]:
    """(tenant, complaint) of open complaints received in the last week, registered a while ago, with no
    checklist step at all: the job that attaches it after registration was lost (a worker killed, none
    running). The sweep attaches them; attaching is idempotent and does nothing where no instruction applies.
    Per tenant, through the (tenant, status, received_at) index."""
    from datetime import timedelta

    from django.db.models import Exists, OuterRef

    from querela.tenants.models import Tenant

    now = clock.now()
    out: list[tuple[int, int]] = []
    for tenant in Tenant.objects.filter(is_active=True):
        with tenancy.tenant_scope(tenant):
            out += list(
                Complaint.objects.filter(
                    status__in=list(OPEN_STATUSES),
                    received_at__gte=now - timedelta(days=7),
                    created_at__lt=now - timedelta(seconds=older_than_seconds),
                )
                .exclude(Exists(ChecklistStep.objects.filter(complaint_id=OuterRef("pk"))))
                .values_list("tenant_id", "pk")[: limit - len(out)]
            )
        if len(out) >= limit:
            break
    return out


def attach_after_commit(tenant_id: int, complaint_id: int) -> None:
    """The after-commit hook of registration and of a category change: attach in the tenant's scope."""
    from querela.tenants.models import Tenant

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    try:
        with tenancy.tenant_scope(tenant):
            complaint = Complaint.objects.filter(pk=complaint_id).select_related("tenant", "place").first()
            if complaint is not None:
                checklist_attach(complaint)
    except Exception:
        # What was committed stands (the registration, the new category): attaching is idempotent, so
        # opening the case again or the next correction attaches it; a person is told in the log.
        logger.exception("checklist not attached to complaint %s of tenant %s", complaint_id, tenant_id)
