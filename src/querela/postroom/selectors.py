"""Reads: the scans of the post room, and a message-wall thread as its complainant sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.complaints.models import Complaint, EntryType, TimelineEntry
from querela.core.channels import Channel
from querela.core.errors import NotFound
from querela.documents.pictures import READING_SIZE, THUMB_SIZE, thumbnail_png
from querela.tenants.access import Actor, require

from .models import ScanBatch, ScanLetter
from .wall import on_wall


def scan_batch_list(*, actor: Actor, limit: int = 30) -> QuerySet[ScanBatch]:
    require(actor, "complaint.register")
    return ScanBatch.objects.select_related("uploaded_by").annotate(letter_count=Count("letters"))[:limit]


def scan_batch_get(*, actor: Actor, batch_id: int) -> ScanBatch:
    require(actor, "complaint.register")
    batch = ScanBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Scan not found."))
    return batch


def scan_letters(batch: ScanBatch) -> list[ScanLetter]:
    return list(batch.letters.select_related("complaint"))


def scan_original_open(*, actor: Actor, batch_id: int) -> tuple[ScanBatch, IO[bytes]]:
    """The scan as uploaded; opening it is a view of personal data (letters carry names and addresses)."""
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    audit_personal_data(actor=actor, what="download", object_type="scan_batch", object_id=batch.pk, file=batch.filename)
    return batch, batch.file.open("rb")


def scan_thumbnail(*, actor: Actor, batch_id: int, page: int, large: bool = False) -> bytes:
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    if page < 1 or page > batch.page_count:
        raise NotFound(_("No such page."))
    # Each picture reads the scan's structure again; kept a day, a preview page costs that once per page.
    key = f"postroom:thumb:{batch.tenant_id}:{batch.pk}:{batch.sha256[:16]}:{page}:{int(large)}"
    png = cache.get(key)
    if png is None:
        with batch.file.open("rb") as f:
            png = thumbnail_png(f, batch.content_type, page, READING_SIZE if large else THUMB_SIZE)
        cache.set(key, png, 86400)
    return bytes(png)


# --- a message-wall thread, as its complainant sees it ---


@dataclass(frozen=True)
class WallPost:
    at: datetime
    from_us: bool
    body: str


@dataclass(frozen=True)
class WallThread:
    complaint: Complaint  # for the status in the complainant's words (portal.selectors.stage_for)
    reference: str
    subject: str
    received_at: datetime
    answer_due: date | None
    posts: list[WallPost]


def wall_thread(complaint_id: int) -> WallThread | None:
    """Their messages on the wall and the supplier's answers there: never notes, status bookkeeping,
    staff names or messages of other channels."""
    complaint = Complaint.objects.filter(pk=complaint_id).select_related("tenant").first()
    if complaint is None or not on_wall(complaint):
        return None
    entries = TimelineEntry.objects.filter(
        complaint=complaint,
        entry_type__in=(EntryType.INBOUND, EntryType.OUTBOUND),
        channel=Channel.MESSAGE_WALL,
    ).only("created_at", "entry_type", "body")
    return WallThread(
        complaint=complaint,
        reference=complaint.reference,
        subject=complaint.subject,
        received_at=complaint.received_at,
        answer_due=None if complaint.is_finished else complaint.answer_due,
        posts=[WallPost(e.created_at, e.entry_type == EntryType.OUTBOUND, e.body) for e in entries if e.body.strip()],
    )
