"""Reading letters and print batches: the print room's lists, the case file's letters, the files opened
(opening one is a view of personal data, so it is audited)."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.complaints.models import Complaint, EntryType, TimelineEntry
from querela.core import clock, tenancy
from querela.core.errors import NotFound
from querela.tenants.access import Actor, require

from .models import PrintBatch, StoredLetter
from .services import LETTER_CHANNELS


def open_batch(*, actor: Actor) -> PrintBatch | None:
    require(actor, "printing.manage")
    return PrintBatch.objects.filter(closed_at__isnull=True).first()


def closed_batches(*, actor: Actor, limit: int = 30) -> QuerySet[PrintBatch]:
    """The newest closed batches first, with how many letters each holds."""
    require(actor, "printing.manage")
    return (
        PrintBatch.objects.filter(closed_at__isnull=False)
        .select_related("closed_by", "dispatched_by")
        .annotate(letter_count=Count("letters"))
        .order_by("-number")[:limit]
    )


def batch_get(*, actor: Actor, batch_id: int) -> PrintBatch:
    require(actor, "printing.manage")
    batch = PrintBatch.objects.filter(pk=batch_id).select_related("closed_by", "dispatched_by").first()
    if batch is None:
        raise NotFound(_("Print batch not found."))
    return batch


def batch_letters(batch: PrintBatch) -> list[StoredLetter]:
    return list(batch.letters.select_related("complaint", "entry").order_by("created_at", "pk"))


def batch_pdf_open(*, actor: Actor, batch_id: int) -> tuple[PrintBatch, IO[bytes]]:
    """The batch's PDF to print: every letter in it, with names and addresses (audited)."""
    batch = batch_get(actor=actor, batch_id=batch_id)
    if not batch.pdf:
        raise NotFound(_("This batch has no PDF yet: close it first."))
    audit_personal_data(actor=actor, what="download", object_type="print_batch", object_id=batch.number)
    return batch, batch.pdf.open("rb")


def letter_open(*, actor: Actor, letter_id: int) -> tuple[StoredLetter, IO[bytes]]:
    """One stored letter from the print room (audited like the case file's letter)."""
    require(actor, "printing.manage")
    letter = StoredLetter.objects.filter(pk=letter_id).select_related("complaint").first()
    if letter is None:
        raise NotFound(_("Letter not found."))
    audit_personal_data(
        actor=actor,
        what="download",
        object_type="stored_letter",
        object_id=letter.pk,
        complaint=letter.complaint.reference,
    )
    return letter, letter.file.open("rb")


def stored_letter_of(entry: TimelineEntry) -> StoredLetter | None:
    """The letter kept for a message to the customer, if it is stored yet (the caller checked who may)."""
    return StoredLetter.objects.filter(entry_id=entry.pk).first()


def stored_letter_entries(complaint: Complaint) -> set[int]:
    """The timeline entries of a complaint that have a stored letter: one query, for the case file."""
    return set(StoredLetter.objects.filter(complaint_id=complaint.pk).values_list("entry_id", flat=True))


# A job normally stores a letter within seconds of its commit; older than this, it was lost.
_GRACE = timedelta(minutes=5)
# A letter missing after this long was not lost by a crash but removed on purpose — by the retention purge,
# years later (the law keeps letters 5 years) — and is never made again: re-made, it would be printed and
# posted with the erased text. Two days cover a worker down over a weekend night.
_SWEEP_WINDOW = timedelta(days=2)


def letters_to_store(*, recent: int = 20_000, limit: int = 500) -> list[tuple[int, int]]:
    """(tenant id, entry id) of recent messages to the customer whose letter is missing (a worker died
    between the commit and the job): only the `recent` newest timeline rows, read by primary key, so
    the sweep costs the same however long the timeline grows, and only of the last `_SWEEP_WINDOW`."""
    with tenancy.dangerously_all_tenants():
        newest = TimelineEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        since = newest - recent
        rows = (
            TimelineEntry.objects.filter(
                pk__gt=since,
                entry_type=EntryType.OUTBOUND,
                channel__in=sorted(LETTER_CHANNELS),
                created_at__lt=clock.now() - _GRACE,
                created_at__gt=clock.now() - _SWEEP_WINDOW,
            )
            .exclude(pk__in=StoredLetter.objects.filter(entry_id__gt=since).values("entry_id"))
            .values_list("tenant_id", "pk")[:limit]
        )
        return [(int(t), int(pk)) for t, pk in rows]
