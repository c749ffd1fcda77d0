"""Answering (issue 13): every letter is a PDF stored on the case; an answer by post joins a print batch;
the batch becomes one PDF for the printing room; the day it was posted is recorded on each case.

- A message to the customer is written in a transaction (`complaints.timeline.add_entry`); the handler
  below only asks, after commit, for its letter to be stored (no query in the writer's transaction).
- `letter_store` (the job) renders the letter once and keeps it; letters by post join the supplier's
  open batch, opened on demand. Safe to run twice: one letter per timeline entry.
- `batch_close` makes the batch's PDF (the letters in order, one pass over them) and closes it;
  `batch_dispatch` records the day it was posted and says so on each complaint's timeline.
"""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from querela.audit.services import audit_record
from querela.complaints import hooks
from querela.complaints.models import EntryType, TimelineEntry
from querela.complaints.timeline import add_entry
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.core.uploads import safe_storage_name
from querela.documents.letters import outbound_letter
from querela.tenants.access import Actor, require, system_actor

from .models import PrintBatch, StoredLetter

log = logging.getLogger(__name__)

ACTOR_LABEL = "print room"

# Every written message to the customer is kept as its letter: all channels but the phone, where what
# was said is no letter (the call's minutes or recording are kept instead).
LETTER_CHANNELS = frozenset(str(c) for c in Channel) - {str(Channel.PHONE)}

# Only letters by post go to the print room's batches, to be posted on a day a person records. A fax
# leaves from the fax machine, not the post office; a letter for a customer at the desk (in person,
# handed in) is handed over there, printed from the case file. Neither has a posting day.
BATCH_CHANNELS = frozenset({str(Channel.POST)})


@hooks.on_outbound_entry
def queue_letter(entry: TimelineEntry) -> None:
    """Called in the transaction that wrote a message to the customer: its letter is stored after commit
    by a job that takes ids (a rolled-back message leaves no letter). No query here."""
    if entry.channel in LETTER_CHANNELS:
        hooks.after_commit("printing:letter", entry.tenant_id, entry.pk)


def letter_store(*, entry_id: int) -> StoredLetter | None:
    """Render the letter of one outbound message and keep it; a letter by post joins the open batch.

    The job, run in the entry's tenant. Idempotent: a second run finds the letter and does nothing. The
    PDF is rendered outside the transaction; the batch row is locked only while the letter joins it."""
    existing = StoredLetter.objects.filter(entry_id=entry_id).first()
    if existing is not None:
        return existing
    entry = (
        TimelineEntry.objects.filter(pk=entry_id, entry_type=EntryType.OUTBOUND)
        .select_related("complaint__tenant", "complaint__customer", "complaint__place", "complaint__representative")
        .first()
    )
    if entry is None or entry.channel not in LETTER_CHANNELS:
        return None
    complaint = entry.complaint
    letter = outbound_letter(entry)
    pages = len(PdfReader(io.BytesIO(letter.pdf)).pages)
    stored = StoredLetter(
        complaint=complaint,
        entry=entry,
        channel=entry.channel,
        recipient_name=letter.recipient_name[:200],
        address=letter.address,
        sha256=hashlib.sha256(letter.pdf).hexdigest(),
        size=len(letter.pdf),
        page_count=pages,
    )
    stored.file.save(safe_storage_name(f"{complaint.reference}-{entry.pk}.pdf"), ContentFile(letter.pdf), save=False)
    try:
        with transaction.atomic():
            batch = _open_batch() if entry.channel in BATCH_CHANNELS else None
            stored.batch = batch
            stored.save()
            audit_record(
                actor=system_actor(complaint.tenant, label=ACTOR_LABEL),
                action="printing.letter_store",
                object_type="stored_letter",
                object_id=stored.pk,
                changes={
                    "complaint": complaint.reference,
                    "entry": entry.pk,
                    "channel": entry.channel,
                    "sha256": stored.sha256,
                    "size": stored.size,
                    "pages": pages,
                    "batch": batch.number if batch else None,
                },
            )
    except IntegrityError:
        # Another run stored this entry's letter meanwhile (the unique constraint): keep theirs.
        stored.file.delete(save=False)
        return StoredLetter.objects.filter(entry_id=entry_id).first()
    except Exception:
        stored.file.delete(save=False)  # nothing recorded: no file left behind either (the job retries)
        raise
    return stored


def _open_batch() -> PrintBatch:
    """The supplier's open batch, locked; opened when there is none (one open batch per supplier)."""
    batch = PrintBatch.objects.select_for_update().filter(closed_at__isnull=True).first()
    if batch is not None:
        return batch
    last = PrintBatch.objects.order_by("-number").values_list("number", flat=True).first() or 0
    try:
        with transaction.atomic():  # a savepoint: a batch opened at the same moment elsewhere wins
            batch = PrintBatch.objects.create(number=last + 1)
    except IntegrityError:
        return PrintBatch.objects.select_for_update().get(closed_at__isnull=True)
    audit_record(
        actor=system_actor(tenancy.current_tenant(), label=ACTOR_LABEL),
        action="printing.batch_open",
        object_type="print_batch",
        object_id=batch.number,
        changes={"opened_at": batch.opened_at},
    )
    return batch


def _lock_batch(batch_id: int) -> PrintBatch:
    batch = PrintBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Print batch not found."))
    return batch


def batch_close(*, actor: Actor, batch_id: int, expected_letters: int | None = None) -> PrintBatch:
    """Close a batch and make its PDF: every letter's pages, in the order they joined.

    `expected_letters`: how many letters the person saw when confirming; if more joined since, nothing is
    closed and they look again (a letter never goes out in a batch nobody saw)."""
    require(actor, "printing.manage")
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        if not batch.is_open:
            raise ValidationFailed(_("This batch is closed already."), code="closed")
        letters = list(batch.letters.select_related("complaint").order_by("created_at", "pk"))
        if not letters:
            raise ValidationFailed(_("This batch has no letters to print."), code="empty")
        if expected_letters is not None and expected_letters != len(letters):
            raise ValidationFailed(
                _("Letters joined the batch since you looked at it: check the list again, then close it."),
                code="changed",
            )
        writer = PdfWriter()
        for letter in letters:  # one pass, each letter read once
            with letter.file.open("rb") as f:
                writer.append(io.BytesIO(f.read()))
        out = io.BytesIO()
        writer.write(out)
        pdf = out.getvalue()
        batch.pdf.save(f"print-batch-{batch.number}.pdf", ContentFile(pdf), save=False)
        batch.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        batch.page_count = len(writer.pages)
        batch.closed_at = clock.now()
        batch.closed_by_id = actor.user_id
        batch.save(update_fields=["pdf", "pdf_sha256", "page_count", "closed_at", "closed_by"])
        audit_record(
            actor=actor,
            action="printing.batch_close",
            object_type="print_batch",
            object_id=batch.number,
            changes={
                "letters": [letter.complaint.reference for letter in letters],
                "pages": batch.page_count,
                "sha256": batch.pdf_sha256,
            },
        )
    return batch


def batch_dispatch(*, actor: Actor, batch_id: int, day: date) -> PrintBatch:
    """Record the day a closed batch was posted (a day in the supplier's time zone, as typed), and write
    on each of its complaints' timelines that the letter was posted that day (an internal note)."""
    require(actor, "printing.manage")
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        if batch.is_open:
            raise ValidationFailed(_("Close the batch and print it before recording when it was posted."))
        if batch.dispatched_on is not None:
            raise ValidationFailed(
                _("This batch was recorded as posted on %(day)s already.") % {"day": batch.dispatched_on.isoformat()},
                code="dispatched",
            )
        tenant = tenancy.current_tenant()
        assert batch.closed_at is not None  # closed: not open
        if day > clock.tenant_today(tenant):
            raise ValidationFailed(_("The posting day cannot be in the future."), code="future")
        if day < clock.tenant_date(tenant, batch.closed_at):
            raise ValidationFailed(_("The batch was posted after it was printed: check the day."), code="too_early")
        batch.dispatched_on, batch.dispatched_by_id, batch.dispatched_at = day, actor.user_id, clock.now()
        batch.save(update_fields=["dispatched_on", "dispatched_by", "dispatched_at"])
        letters = list(batch.letters.select_related("complaint", "entry").order_by("created_at", "pk"))
        for letter in letters:
            written = clock.tenant_date(tenant, letter.entry.created_at)
            add_entry(
                letter.complaint,
                actor,
                EntryType.NOTE,
                body=_("The letter of %(written)s was posted on %(day)s (print batch %(number)s).")
                % {"written": written.isoformat(), "day": day.isoformat(), "number": batch.number},
                event="printing.batch_dispatch",
                batch=batch.number,
                letter=letter.pk,
                letter_entry=letter.entry_id,
                posted_on=day.isoformat(),
            )
        audit_record(
            actor=actor,
            action="printing.batch_dispatch",
            object_type="print_batch",
            object_id=batch.number,
            changes={"posted_on": day.isoformat(), "letters": [letter.complaint.reference for letter in letters]},
        )
    return batch
