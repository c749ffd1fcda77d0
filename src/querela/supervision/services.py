"""What supervisors do (issue 13): decide extension requests (four eyes), reassign a handler's complaints in
bulk, draw random samples of answered complaints and review them with the supplier's checklist.

Each write runs in one transaction and writes an audit event; the moves on a complaint are written on its
timeline as internal notes, like consultations."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.deadline_actions import complaint_deadline_step, complaint_extend
from querela.complaints.deadline_schedule import schedule_for
from querela.complaints.deadline_selectors import deadline_actions
from querela.complaints.models import Complaint, DeadlineStep, EntryType
from querela.complaints.services import BULK_LIMIT, complaints_assign
from querela.complaints.timeline import add_entry, lock_complaint
from querela.complaints.workflow import OPEN_STATUSES, Status
from querela.core import clock, tenancy
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.deadlines.texts import EXTENSION_REASON_NAMES
from querela.tenants.access import Actor, require
from querela.tenants.models import Membership

from .checklist import ANSWERS, DEFAULT_ITEMS, score_of
from .models import ExtensionRequest, QualityCheckItem, QualityReview, QualitySample, RequestState

MAX_TEXT = 10_000
MAX_SAMPLE = 100


def _clean(value: str, *, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(_("The text is too long."), code="too_long")
    return text


# ---------------------------------------------------------------------------------------------------
# Extensions: requested by one person, approved by another


def deadline_step(
    *,
    actor: Actor,
    complaint_id: int,
    action: str,
    text: str = "",
    days: int | None = None,
    reason: str = "",
    new_date: date | None = None,
) -> ExtensionRequest | None:
    """A deadline step from the case file: an extension becomes a request where the supplier wants four eyes
    (the request is returned); every other step, and any extension elsewhere, is taken as before."""
    tenant = tenancy.current_tenant()
    if action == "extend" and tenant.extension_needs_approval:
        return extension_request_create(actor=actor, complaint_id=complaint_id, days=days, reason=reason, text=text)
    complaint_deadline_step(
        actor=actor, complaint_id=complaint_id, action=action, text=text, days=days, reason=reason, new_date=new_date
    )
    return None


def extension_request_create(
    *, actor: Actor, complaint_id: int, days: int | None, reason: str, text: str
) -> ExtensionRequest:
    """Ask for an extension: checked against the policy now (as `complaint_extend` would), held until decided."""
    if reason not in EXTENSION_REASON_NAMES:
        raise ValidationFailed(_("Please choose the reason for the extension."), code="reason_required")
    if not days or days < 1:
        raise ValidationFailed(_("Please give the number of days to extend by."), code="days_required")
    text = _clean(text)
    if not text:
        raise ValidationFailed(_("Please write the notice to the customer, with the reason."), code="text_required")
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.deadlines", complaint)
        if not complaint.tenant.extension_needs_approval:
            raise ValidationFailed(_("Extensions need no approval here: extend the deadline directly."), code="direct")
        if ExtensionRequest.objects.filter(complaint_id=complaint.pk, state=RequestState.PENDING).exists():
            raise ValidationFailed(
                _("An extension of this complaint is already waiting for a supervisor's decision."), code="pending"
            )
        actions, reasons = deadline_actions(complaint)
        if "extend" not in actions:
            raise ValidationFailed(
                _("The answer deadline of this complaint cannot be extended now."), code="no_extension"
            )
        if reason not in reasons:
            raise ValidationFailed(_("This policy does not accept that reason for an extension."), code="reason")
        allowance = schedule_for(complaint).extension
        if days > allowance.max_days:
            raise ValidationFailed(
                _("The policy allows at most %(n)s days of extension here.") % {"n": allowance.max_days},
                code="extension_too_long",
            )
        request = ExtensionRequest.objects.create(
            complaint=complaint,
            requested_by_id=actor.user_id,
            requested_at=clock.now(),
            days=days,
            reason=reason,
            notice_text=text,
        )
        due = complaint.answer_due.isoformat() if complaint.answer_due else "—"
        add_entry(
            complaint,
            actor,
            EntryType.NOTE,
            body=_(
                "Extension of the answer deadline by %(days)s days requested; a supervisor decides before "
                "%(due)s (the notice must reach the customer by then)."
            )
            % {"days": days, "due": due},
            extension_request=request.pk,
            event="extension.request",
        )
        audit_record(
            actor=actor,
            action="extension.request",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"days": days, "reason": reason, "request": request.pk, "answer_due": due},
        )
    return request


def _lock_request(request_id: int) -> tuple[Complaint, ExtensionRequest]:
    complaint_id = ExtensionRequest.objects.filter(pk=request_id).values_list("complaint_id", flat=True).first()
    if complaint_id is None:
        raise NotFound(_("Extension request not found."))
    complaint = lock_complaint(complaint_id)
    request = ExtensionRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
    if request.state != RequestState.PENDING:
        raise ValidationFailed(_("This request has already been decided."), code="decided")
    return complaint, request


def extension_request_approve(*, actor: Actor, request_id: int, note: str = "") -> date | None:
    """A second person approves: the extension is made as the requester asked and the notice goes out now.
    Refused when the approver asked for it, and once the deadline (the last day for the notice) has passed."""
    require(actor, "extension.decide")
    note = _clean(note, limit=2000)
    with transaction.atomic():
        complaint, request = _lock_request(request_id)
        if request.requested_by_id is not None and request.requested_by_id == actor.user_id:
            raise PermissionDenied(
                _("You asked for this extension: another supervisor must approve it (four eyes)."), code="own_request"
            )
        allowance = schedule_for(complaint).extension
        if allowance.refusal in ("extension_after_due", "notice_after_due"):
            due = complaint.answer_due.isoformat() if complaint.answer_due else "—"
            raise ValidationFailed(
                _(
                    "Too late to approve: the notice had to reach the customer by the answer's due date, %(due)s, "
                    "and that day has passed. Refuse the request; the complaint must be answered."
                )
                % {"due": due},
                code="too_late",
            )
        before = complaint.answer_due
        new_due = complaint_extend(
            actor=actor,
            complaint_id=complaint.pk,
            days=request.days,
            reason=request.reason,
            text=request.notice_text,
            approved=True,
        )
        request.state = RequestState.APPROVED
        request.decided_by_id = actor.user_id
        request.decided_at = clock.now()
        request.decision_note = note
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        body = _("Extension request approved: the answer is now due on %(due)s; the notice was sent.") % {
            "due": new_due.isoformat() if new_due else "—"
        }
        add_entry(
            complaint,
            actor,
            EntryType.NOTE,
            body=f"{body} {note}".strip(),
            extension_request=request.pk,
            event="extension.approve",
        )
        audit_record(
            actor=actor,
            action="extension.approve",
            object_type="complaint",
            object_id=complaint.reference,
            changes={
                "days": request.days,
                "request": request.pk,
                "state": [RequestState.PENDING.value, RequestState.APPROVED.value],
                "answer_due": [before, new_due],
            },
        )
    return new_due


def extension_request_refuse(*, actor: Actor, request_id: int, note: str) -> ExtensionRequest:
    """Refused with a reason the requester reads on the case; the deadline stays as it was."""
    require(actor, "extension.decide")
    note = _clean(note, limit=2000)
    if not note:
        raise ValidationFailed(_("Please give the reason for refusing."), code="note_required")
    with transaction.atomic():
        complaint, request = _lock_request(request_id)
        request.state = RequestState.REFUSED
        request.decided_by_id = actor.user_id
        request.decided_at = clock.now()
        request.decision_note = note
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        add_entry(
            complaint,
            actor,
            EntryType.NOTE,
            body=_("Extension request refused: %(note)s") % {"note": note},
            extension_request=request.pk,
            event="extension.refuse",
        )
        audit_record(
            actor=actor,
            action="extension.refuse",
            object_type="complaint",
            object_id=complaint.reference,
            changes={
                "days": request.days,
                "request": request.pk,
                "state": [RequestState.PENDING.value, RequestState.REFUSED.value],
                "reason": request.reason,
            },
        )
    return request


# ---------------------------------------------------------------------------------------------------
# Bulk reassignment


def complaints_reassign(
    *, actor: Actor, from_user_id: int, to_user_id: int, only_overdue: bool = False
) -> tuple[int, list[str]]:
    """Give a handler's open complaints (or only the overdue ones) to another, at most `BULK_LIMIT` at once:
    each is the workflow's own `assign` (its transaction, audit and notification)."""
    require(actor, "supervision.dashboard")
    require(actor, "complaint.assign_others")
    if from_user_id == to_user_id:
        raise ValidationFailed(_("Choose two different handlers."), code="same_handler")
    qs = Complaint.objects.filter(assignee_id=from_user_id, status__in=OPEN_STATUSES)
    if only_overdue:
        qs = qs.filter(next_due__lt=clock.tenant_today(tenancy.current_tenant()))
    ids = list(qs.order_by("next_due", "pk").values_list("pk", flat=True)[:BULK_LIMIT])
    if not ids:
        raise ValidationFailed(_("That handler has no such open complaints."), code="nothing")
    return complaints_assign(actor=actor, complaint_ids=ids, assignee_id=to_user_id)


# ---------------------------------------------------------------------------------------------------
# Quality review


def quality_checklist_seed() -> int:
    """The default items the tenant in scope lacks (a new supplier: all of them). Not a person's act: no audit."""
    tenant = tenancy.current_tenant()
    have = set(QualityCheckItem.objects.exclude(preset="").values_list("preset", flat=True))
    rows = [
        QualityCheckItem(tenant=tenant, preset=code, position=(i + 1) * 10)
        for i, code in enumerate(DEFAULT_ITEMS)
        if code not in have
    ]
    QualityCheckItem.objects.bulk_create(rows)
    return len(rows)


def _listed(items: list[QualityCheckItem]) -> list[str]:
    return [item.label if item.is_active else f"({item.label})" for item in items]


def quality_checklist_save(
    *, actor: Actor, items: list[dict[str, Any]], new_texts: list[str]
) -> list[QualityCheckItem]:
    """Edit the checklist: each item's wording (a preset left as worded, or emptied, keeps reading in each
    reviewer's language), position and whether it is in use; new items appended. Past reviews keep the
    wording they were made with."""
    require(actor, "quality.checklist")
    with transaction.atomic():
        current = {i.pk: i for i in QualityCheckItem.objects.select_for_update().order_by("position", "pk")}
        before = _listed(list(current.values()))
        for data in items:
            item = current.get(data["id"])
            if item is None:
                raise NotFound(_("Checklist item not found."))
            text = " ".join(str(data.get("text") or "").split())[:300]
            preset = gettext_default(item.preset)
            if not text and not item.preset:
                raise ValidationFailed(_("An item needs its wording."), code="text_required")
            item.text = "" if (not text or text == preset) else text
            item.position = max(0, min(int(data.get("position") or 0), 32000))
            item.is_active = bool(data.get("is_active"))
            item.save(update_fields=["text", "position", "is_active"])
        last = max((i.position for i in current.values()), default=0)
        added = []
        for raw in new_texts:
            text = " ".join(raw.split())[:300]
            if text:
                last = min(last + 10, 32000)
                added.append(QualityCheckItem.objects.create(text=text, position=last))
        after_items = sorted([*current.values(), *added], key=lambda i: (i.position, i.pk))
        if not any(i.is_active for i in after_items):
            raise ValidationFailed(_("Keep at least one item in use."), code="empty")
        after = _listed(after_items)
        if before != after:
            audit_record(
                actor=actor,
                action="quality.checklist",
                object_type="quality_checklist",
                object_id="",
                changes={"checklist": [before, after]},
            )
    return after_items


def gettext_default(preset: str) -> str | None:
    """A preset item's wording in the active language (None for an item of the supplier's own)."""
    return _(DEFAULT_ITEMS[preset]) if preset in DEFAULT_ITEMS else None


def _answer_day_bounds(day_from: date, day_to: date) -> tuple[datetime, datetime]:
    zone = clock.tenant_zone(tenancy.current_tenant())
    return datetime.combine(day_from, time.min, zone), datetime.combine(day_to + timedelta(days=1), time.min, zone)


def sample_candidates(*, day_from: date, day_to: date, handler_id: int | None = None) -> list[int]:
    """Ids of complaints answered (now answered or closed) in those days — the answer step's completion, in
    the tenant's days — optionally one handler's, and never sampled before."""
    start, end = _answer_day_bounds(day_from, day_to)
    answered = DeadlineStep.objects.filter(step="answer", done_at__gte=start, done_at__lt=end).values("complaint_id")
    qs = Complaint.objects.filter(pk__in=answered, status__in=(Status.ANSWERED, Status.CLOSED))
    if handler_id is not None:
        qs = qs.filter(assignee_id=handler_id)
    sampled = QualityReview.objects.values("complaint_id")
    return list(qs.exclude(pk__in=sampled).order_by("pk").values_list("pk", flat=True))


def quality_sample_draw(
    *,
    actor: Actor,
    day_from: date,
    day_to: date,
    size: int,
    handler_id: int | None = None,
    rng: random.Random | None = None,
) -> QualitySample:
    """Draw `size` complaints at random (fewer when fewer qualify) for review. `rng`: tests pass a seeded one."""
    require(actor, "quality.review")
    if day_from > day_to:
        raise ValidationFailed(_("The first day must not be after the last."), code="range")
    if not 1 <= size <= MAX_SAMPLE:
        raise ValidationFailed(_("Draw between 1 and %(n)s complaints.") % {"n": MAX_SAMPLE}, code="size")
    if handler_id is not None and not Membership.objects.filter(user_id=handler_id).exists():
        raise ValidationFailed(_("Unknown handler."), code="handler")
    with transaction.atomic():
        candidates = sample_candidates(day_from=day_from, day_to=day_to, handler_id=handler_id)
        if not candidates:
            raise ValidationFailed(_("No answered complaint in those days is left to review."), code="no_candidates")
        chosen = (rng or random.SystemRandom()).sample(candidates, min(size, len(candidates)))
        sample = QualitySample.objects.create(
            drawn_by_id=actor.user_id,
            drawn_at=clock.now(),
            date_from=day_from,
            date_to=day_to,
            handler_id=handler_id,
            size=size,
        )
        assignees = dict(Complaint.objects.filter(pk__in=chosen).values_list("pk", "assignee_id"))
        try:
            QualityReview.objects.bulk_create(
                [
                    QualityReview(
                        tenant=tenancy.current_tenant(), sample=sample, complaint_id=pk, handler_id=assignees[pk]
                    )
                    for pk in sorted(chosen)
                ]
            )
        except IntegrityError as exc:  # another supervisor drew one of them at the same moment
            raise ValidationFailed(
                _("Someone drew a sample at the same time: please draw again."), code="race"
            ) from exc
        references = list(
            Complaint.objects.filter(pk__in=chosen).order_by("reference").values_list("reference", flat=True)
        )
        audit_record(
            actor=actor,
            action="quality.sample",
            object_type="quality_sample",
            object_id=sample.pk,
            changes={
                "date_from": day_from,
                "date_to": day_to,
                "assignee": handler_id,
                "size": size,
                "complaints": ", ".join(references),
            },
        )
    return sample


def quality_review_save(
    *, actor: Actor, review_id: int, answers: dict[int, str], score: int | None, comment: str
) -> QualityReview:
    """Record (or correct) one review: each active checklist item answered yes / no / not applicable; without
    a score given, the share of applicable items met."""
    require(actor, "quality.review")
    comment = _clean(comment)
    if score is not None and not 0 <= score <= 100:
        raise ValidationFailed(_("The score is between 0 and 100."), code="score")
    with transaction.atomic():
        review = (
            QualityReview.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .filter(pk=review_id)
            .first()
        )
        if review is None:
            raise NotFound(_("Review not found."))
        items = list(QualityCheckItem.objects.filter(is_active=True).order_by("position", "pk"))
        checks = []
        for item in items:
            answer = answers.get(item.pk, "")
            if answer not in ANSWERS:
                raise ValidationFailed(
                    _("Answer every item of the checklist: %(item)s") % {"item": item.label}, code="unanswered"
                )
            checks.append({"item": item.pk, "text": item.label, "answer": answer})
        before = review.score
        review.checks = checks
        review.score = score if score is not None else score_of([c["answer"] for c in checks])
        review.comment = comment
        review.reviewed_by_id = actor.user_id
        review.reviewed_at = clock.now()
        review.save(update_fields=["checks", "score", "comment", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action="quality.review",
            object_type="quality_review",
            object_id=review.pk,
            changes={
                "complaint": review.complaint.reference,
                "assignee": review.handler_id,
                "score": [before, review.score],
                "failed": "; ".join(c["text"] for c in checks if c["answer"] == "no"),
            },
        )
    return review
