"""The retention purge: per document type, what its period has passed (`due`), the report, and the run.

A dry run only counts. A real run removes what is due as of the same day, type by type (a complaint's
files before its record), in chunks of one transaction each, so a crash leaves whole chunks done and the
next run picks up the rest. Each removed item is audited (`erase.py`); the run's report says per type how
many were due, how many were removed and how old the oldest thing kept is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import Min, Q
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.calls.models import Call
from querela.calls.services import recordings_purge
from querela.complaints.models import Attachment, Complaint
from querela.core import clock, tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.intake.models import InboundMessage, InboundStatus
from querela.minutes.models import Minutes
from querela.printing.models import PrintBatch, StoredLetter
from querela.tenants.access import Actor, require

from . import erase
from .holds import cutoff, finished_before
from .models import ErasedComplaint, ExportState, PurgeRun, RunState, SubjectExport
from .schedule import PURGED, DocumentType
from .selectors import retention_months

T = DocumentType
CHUNK = 200
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Due:
    """One document type's due items, and what it keeps."""

    document_type: str
    items: models.QuerySet[Any]
    kept: models.QuerySet[Any]  # what stays after the run: its oldest `date_field` is "the oldest kept"
    date_field: str


def _due_complaints(months: int, today: date) -> models.QuerySet[Complaint]:
    return finished_before(cutoff(today, months))


# Mail that never became a complaint and is not waiting for a person: gone after the period from its arrival.
_SETTLED_MAIL = [InboundStatus.AUTO, InboundStatus.REGISTERED, InboundStatus.ATTACHED]


def due_by_type(today: date) -> list[Due]:
    """What each document type's period has passed, as of `today` (the supplier's day), in purge order."""
    months = retention_months()
    out: list[Due] = []
    for kind in PURGED:
        if kind == T.ATTACHMENT:
            items = Attachment.objects.filter(complaint__in=_due_complaints(months[kind], today).values("pk")).exclude(
                pk__in=erase.minutes_pdf_ids()
            )
            kept = Attachment.objects.exclude(pk__in=erase.minutes_pdf_ids())
            out.append(Due(kind, items, kept, "created_at"))
        elif kind == T.RAW_MAIL:
            moment = cutoff(today, months[kind])
            items = InboundMessage.objects.filter(
                Q(complaint__in=_due_complaints(months[kind], today).values("pk"))
                | Q(complaint__isnull=True, status__in=_SETTLED_MAIL, received_at__lt=moment)
            )
            out.append(Due(kind, items, InboundMessage.objects.all(), "received_at"))
        elif kind == T.MINUTES:
            items = Minutes.objects.filter(complaint__in=_due_complaints(months[kind], today).values("pk"))
            out.append(Due(kind, items, Minutes.objects.all(), "created_at"))
        elif kind == T.LETTER:
            items = StoredLetter.objects.filter(complaint__in=_due_complaints(months[kind], today).values("pk"))
            out.append(Due(kind, items, StoredLetter.objects.all(), "created_at"))
            batches = PrintBatch.objects.filter(closed_at__lt=cutoff(today, months[kind])).exclude(pdf="")
            out.append(Due("print_batch", batches, PrintBatch.objects.exclude(pdf=""), "closed_at"))
        elif kind == T.RECORDING:
            # The day each call's recording may go is kept with the call (`Call.retain_until`, 5 years).
            items = Call.objects.filter(retain_until__lt=today, purged_at__isnull=True).exclude(audio="", audio_url="")
            out.append(
                Due(
                    kind,
                    items,
                    Call.objects.filter(purged_at__isnull=True).exclude(audio="", audio_url=""),
                    "started_at",
                )
            )
        elif kind == T.COMPLAINT_RECORD:
            erased = ErasedComplaint.objects.values("complaint_id")
            items = _due_complaints(months[kind], today).exclude(pk__in=erased)
            out.append(Due(kind, items, Complaint.objects.exclude(pk__in=erased), "received_at"))
        elif kind == T.SUBJECT_EXPORT:
            items = SubjectExport.objects.filter(state=ExportState.READY, expires_at__lt=clock.now())
            out.append(Due(kind, items, SubjectExport.objects.filter(state=ExportState.READY), "built_at"))
    return out


def _oldest_kept(due: Due) -> str | None:
    kept = due.kept.exclude(pk__in=due.items.values("pk"))
    oldest = kept.aggregate(oldest=Min(due.date_field))["oldest"]
    if oldest is None:
        return None
    return (clock.tenant_date(tenancy.current_tenant(), oldest) if hasattr(oldest, "hour") else oldest).isoformat()


def _schedule_mark() -> str:
    """The periods in force, in short: a dry run records them, so that a confirmation after a period was
    changed is refused instead of removing more than the report listed."""
    return ",".join(f"{kind}={months}" for kind, months in sorted(retention_months().items()))


def purge_report(today: date) -> dict[str, dict[str, Any]]:
    """What a run on `today` would remove, per type: a few counting statements per type, nothing changed."""
    mark = _schedule_mark()
    return {
        d.document_type: {"due": d.items.count(), "done": 0, "oldest_kept": _oldest_kept(d), "schedule": mark}
        for d in due_by_type(today)
    }


def _chunks(qs: models.QuerySet[Any]) -> Iterator[list[Any]]:
    """The due items a chunk at a time, read again each time (what was removed is no longer due)."""
    seen_last = 0
    while True:
        rows = list(qs.filter(pk__gt=seen_last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        seen_last = rows[-1].pk


def _remove(kind: str, rows: list[Any], actor: Actor) -> int:
    reason = "retention"
    if kind == T.ATTACHMENT:
        return erase.attachments_delete(rows, actor=actor, reason=reason)
    if kind == T.RAW_MAIL:
        return erase.raw_mail_delete(rows, actor=actor, reason=reason)
    if kind == T.MINUTES:
        return erase.minutes_delete(rows, actor=actor, reason=reason)
    if kind == T.LETTER:
        return erase.letters_delete(rows, actor=actor, reason=reason)
    if kind == "print_batch":
        return erase.print_batches_clear(rows, actor=actor, reason=reason)
    if kind == T.COMPLAINT_RECORD:
        return erase.complaints_anonymise(rows, actor=actor, reason=reason)
    if kind == T.SUBJECT_EXPORT:
        from .export import exports_expire

        return exports_expire(rows, actor=actor)
    raise ValueError(kind)


def _select(kind: str, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The joins the erasing steps read (the complaint's reference, a minutes' PDF)."""
    if kind in (T.ATTACHMENT, T.LETTER, T.RAW_MAIL):
        return qs.select_related("complaint")
    if kind == T.MINUTES:
        return qs.select_related("complaint", "pdf")
    return qs


def purge_execute(run: PurgeRun, *, actor: Actor, progress: Progress | None = None) -> PurgeRun:
    """Carry out one run (dry or real) in the tenant in scope and store its report."""
    report = purge_report(run.as_of)
    total = sum(r["due"] for r in report.values())
    done = 0
    if progress:
        progress(0, total)
    if not run.dry_run:
        for due in due_by_type(run.as_of):
            kind = due.document_type
            if kind == T.RECORDING:
                removed = recordings_purge(today=run.as_of)  # the calls app's own step, audited there
                report[kind]["done"] += removed
                done += removed
            else:
                for rows in _chunks(_select(kind, due.items)):
                    with transaction.atomic():
                        removed = _remove(kind, rows, actor)
                    report[kind]["done"] += removed
                    done += removed
                    if progress:
                        progress(done, total)
        for due in due_by_type(run.as_of):
            report[due.document_type]["oldest_kept"] = _oldest_kept(due)
    if progress:
        progress(done, total)
    run.report = report
    run.state = RunState.DONE
    run.finished_at = clock.now()
    run.save(update_fields=["report", "state", "finished_at"])
    if not run.dry_run:
        audit_record(
            actor=actor,
            action="privacy.purge_run",
            object_type="purge_run",
            object_id=run.pk,
            changes={"as_of": run.as_of.isoformat(), "removed": {k: v["done"] for k, v in report.items() if v["done"]}},
        )
    return run


def purge_start(*, actor: Actor, dry_run: bool, today: date | None = None, plan: PurgeRun | None = None) -> PurgeRun:
    """A run recorded as queued: the page's dry run and real run, the command line, the daily job."""
    tenant = tenancy.current_tenant()
    return PurgeRun.objects.create(
        dry_run=dry_run,
        as_of=plan.as_of if plan is not None else (today or clock.tenant_today(tenant)),
        plan=plan,
        requested_by_id=actor.user_id,
        started_at=clock.now(),
        state=RunState.QUEUED,
    )


def purge_dry_run(*, actor: Actor) -> PurgeRun:
    """The page's "what would go today": counted at once (a few statements per type)."""
    require(actor, "privacy.manage")
    return purge_execute(purge_start(actor=actor, dry_run=True), actor=actor)


def purge_confirm(*, actor: Actor, plan_id: int) -> PurgeRun:
    """The officer read a dry run's report and confirmed it: the real run, counted from the same day, is
    queued for the worker (`tasks.purge_run_task`). A report from an earlier day is refused: its day has
    moved on, and a new dry run says what today's run would remove."""
    from querela.complaints import hooks

    require(actor, "privacy.manage")
    plan = PurgeRun.objects.filter(pk=plan_id, dry_run=True).first()
    if plan is None:
        raise NotFound(_("Dry run not found."))
    today = clock.tenant_today(tenancy.current_tenant())
    if plan.as_of != today:
        raise ValidationFailed(_("This dry run was for another day: run it again, then confirm."))
    if any(entry.get("schedule") != _schedule_mark() for entry in plan.report.values()):
        raise ValidationFailed(
            _("The retention periods were changed after this dry run: run it again to see what would go, then confirm.")
        )
    if PurgeRun.objects.filter(plan=plan, dry_run=False).exists():
        raise ValidationFailed(_("This dry run was carried out already: run a new one to see what is due now."))
    if PurgeRun.objects.filter(dry_run=False, state__in=[RunState.QUEUED, RunState.RUNNING]).exists():
        raise ValidationFailed(_("A purge is already running."))
    with transaction.atomic():
        run = purge_start(actor=actor, dry_run=False, plan=plan)
        hooks.after_commit("privacy:purge", run.tenant_id, run.pk)
    return run


def plan_confirmable(plan: PurgeRun | None) -> bool:
    """Whether the page offers "Purge now" for this dry run: of today, under the periods in force, not
    carried out yet, and no purge running (the same checks `purge_confirm` makes, for the button)."""
    if plan is None or plan.as_of != clock.tenant_today(tenancy.current_tenant()):
        return False
    if any(entry.get("schedule") != _schedule_mark() for entry in plan.report.values()):
        return False
    return not PurgeRun.objects.filter(
        Q(plan=plan) | Q(state__in=[RunState.QUEUED, RunState.RUNNING]), dry_run=False
    ).exists()


def purge_run_by_id(run_id: int, *, actor: Actor) -> PurgeRun | None:
    """The worker's side: runs a queued run once (a retried job finds it running or done and leaves it)."""
    with transaction.atomic():
        run = PurgeRun.objects.select_for_update().filter(pk=run_id, state=RunState.QUEUED).first()
        if run is None:
            return None
        run.state = RunState.RUNNING
        run.save(update_fields=["state"])
    try:
        return purge_execute(run, actor=actor)
    except Exception as exc:
        PurgeRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, error=str(exc)[:2000], finished_at=clock.now())
        raise
