"""Scanned post and received faxes: upload a scan, describe its letters, register each one.

Every letter is registered through `complaint_register` with the receipt time the clerk typed (the
records rule: the receipt date is the registration date, whatever day it was scanned), its own pages
as a PDF attachment, and its reply channel. The upload itself is kept whole (ScanBatch).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints import hooks
from querela.complaints.services import Upload, complaint_register
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, QuerelaError, ValidationFailed
from querela.core.uploads import SNIFF_BYTES, check_content, hash_stream, safe_storage_name, sniff_type
from querela.customers.models import ConsumptionPlace, Customer
from querela.customers.selectors import customer_by_identifiers
from querela.tenants.access import Actor, actor_for, require

from .models import ScanBatch, ScanLetter, ScanStatus
from .pages import SCAN_TYPES, count_pages, letter_pdfs
from .ranges import PageRange, check_ranges

log = logging.getLogger(__name__)

# How a letter may have come in, and how it may be answered (post by default, a fax too; e-mail when
# the clerk chooses it).
LETTER_CHANNELS = (Channel.POST, Channel.FAX, Channel.HANDED_IN)
LETTER_REPLY_CHANNELS = (Channel.POST, Channel.EMAIL, Channel.FAX)


def max_pages() -> int:
    return int(settings.QUERELA.get("POSTROOM_MAX_PAGES", 300))


def max_bytes() -> int:
    return int(settings.QUERELA.get("POSTROOM_MAX_BYTES", 60 * 1024 * 1024))


def scan_batch_upload(*, actor: Actor, filename: str, stream: IO[bytes], size: int) -> ScanBatch:
    """Keep an uploaded scan, once its size, type and page count are within the limits."""
    require(actor, "complaint.register")
    name = filename.rsplit("/", 1)[-1][:255] or "scan"
    if size == 0:
        raise ValidationFailed(_("“%(name)s” is empty.") % {"name": name}, code="empty_file")
    if size > max_bytes():
        raise ValidationFailed(
            _("“%(name)s” is %(size)s; the largest scan accepted is %(limit)s. Upload it in parts.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code="file_too_large",
        )
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    content_type = sniff_type(head)
    if content_type not in SCAN_TYPES:
        raise ValidationFailed(
            _("“%(name)s” is of type %(type)s, not a scan. Accepted: %(allowed)s.")
            % {"name": name, "type": content_type, "allowed": ", ".join(SCAN_TYPES.values())},
            code="file_type_not_allowed",
        )
    # What every upload's content passes too: no active PDF content, no polyglot, the virus scan.
    check_content(name, stream, content_type=content_type, max_bytes=max_bytes())
    pages = count_pages(stream, content_type, filename=name, limit=max_pages())
    sha256 = hash_stream(stream)
    with transaction.atomic():
        batch = ScanBatch(
            filename=name,
            size=size,
            sha256=sha256,
            content_type=content_type,
            page_count=pages,
            uploaded_by_id=actor.user_id,
        )
        batch.file.save(safe_storage_name(name), File(stream), save=False)
        batch.save()
        audit_record(
            actor=actor,
            action="postroom.upload",
            object_type="scan_batch",
            object_id=batch.pk,
            changes={"file": name, "size": size, "sha256": sha256, "pages": pages},
        )
    return batch


@dataclass(frozen=True)
class LetterPlan:
    """One letter as the clerk read it. `received_at` is aware (see `local_receipt`)."""

    first_page: int
    last_page: int
    channel: str
    received_at: datetime
    subject: str
    reply_channel: str = Channel.POST
    sender_name: str = ""
    sender_address: str = ""
    sender_email: str = ""
    customer_number: str = ""
    summary: str = ""

    @property
    def pages(self) -> PageRange:
        return PageRange(self.first_page, self.last_page)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "received_at": self.received_at.astimezone(UTC).isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LetterPlan:
        return cls(**{**data, "received_at": datetime.fromisoformat(data["received_at"])})


class LetterInvalid(ValidationFailed):
    """What is wrong with one letter (0-based `index`), and with which of its fields, when known."""

    def __init__(self, message: str, *, index: int, field: str | None = None, code: str = "letter_invalid") -> None:
        super().__init__(message, code=code)
        self.index = index
        self.field = field


def local_receipt(tenant: Any, typed: datetime) -> datetime:
    """A receipt time typed in the supplier's time zone (naive), as the moment it was (UTC)."""
    if typed.tzinfo is not None:
        return typed.astimezone(UTC)
    return typed.replace(tzinfo=clock.tenant_zone(tenant)).astimezone(UTC)


def scan_batch_plan(*, actor: Actor, batch_id: int, letters: Sequence[LetterPlan]) -> ScanBatch:
    """Check what the clerk described and hand the scan to the split job. Everything a person can fix
    is refused here, with the letter and field it is about; the job only cuts pages and registers."""
    require(actor, "complaint.register")
    check_ranges([letter.pages for letter in letters], _page_count(batch_id))
    for index, letter in enumerate(letters):
        _check_letter(index, letter)
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise NotFound(_("Scan not found."))
        if batch.status not in (ScanStatus.UPLOADED, ScanStatus.FAILED):
            raise ValidationFailed(_("This scan is being split or has been split already."), code="already_split")
        batch.plan = [letter.as_json() for letter in letters]
        batch.status, batch.pages_done, batch.error = ScanStatus.SPLITTING, 0, ""
        batch.split_by_id = actor.user_id
        batch.save(update_fields=["plan", "status", "pages_done", "error", "split_by"])
        hooks.after_commit("postroom:split", batch.tenant_id, batch.pk)
    return batch


def _page_count(batch_id: int) -> int:
    count = ScanBatch.objects.filter(pk=batch_id).values_list("page_count", flat=True).first()
    if count is None:
        raise NotFound(_("Scan not found."))
    return int(count)


def _check_letter(index: int, letter: LetterPlan) -> None:
    def refuse(message: str, field: str | None = None) -> LetterInvalid:
        return LetterInvalid(message, index=index, field=field)

    if letter.channel not in LETTER_CHANNELS:
        raise refuse(_("Choose how the letter came in."), "channel")
    if letter.reply_channel not in LETTER_REPLY_CHANNELS:
        raise refuse(_("Choose how to answer."), "reply_channel")
    if not letter.subject.strip():
        raise refuse(_("A subject is required."), "subject")
    if letter.received_at.tzinfo is None:
        raise TypeError("received_at must be aware: see local_receipt")
    if letter.received_at > clock.now() + timedelta(minutes=5):
        raise refuse(_("The receipt time cannot be in the future."), "received_at")
    customer = _customer(letter.customer_number)
    if letter.customer_number.strip() and customer is None:
        raise refuse(
            _("No customer has the customer id %(number)s: check it, or leave it empty.")
            % {"number": letter.customer_number.strip()},
            "customer_number",
        )
    if letter.reply_channel == Channel.EMAIL and not (letter.sender_email.strip() or (customer and customer.email)):
        raise refuse(_("To answer by e-mail, an e-mail address is needed."), "sender_email")
    if letter.reply_channel in (Channel.POST, Channel.FAX) and not (letter.sender_address.strip() or customer):
        raise refuse(
            _("To answer by post, the sender's address (or a customer id on file) is needed."), "sender_address"
        )


def _customer(number: str) -> Customer | None:
    return customer_by_identifiers(customer_numbers=[number.strip()]) if number.strip() else None


# At most this often the progress bar's row is written while pages are cut.
_PROGRESS_SECONDS = 0.5


def scan_batch_split(*, batch_id: int) -> ScanBatch | None:
    """Cut the scan into its letters' PDFs and register every letter, all or none (the split job).

    The pages are cut before the transaction (the slow part, with progress written as it goes), so
    the database is held only while the letters are registered. Safe to run twice: only a batch
    still being split is registered, under its row lock."""
    batch = ScanBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ScanStatus.SPLITTING:
        return batch
    letters = [LetterPlan.from_json(x) for x in batch.plan]
    tenant = tenancy.current_tenant()
    actor = actor_for(batch.split_by, tenant) if batch.split_by is not None else None
    if actor is None:
        return _failed(batch_id, _("The person who confirmed the split no longer works for this supplier."))
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_SECONDS:
            last[0] = now
            ScanBatch.objects.filter(pk=batch_id).update(pages_done=done)

    try:
        with batch.file.open("rb") as source:
            files = letter_pdfs(source, batch.content_type, [x.pages for x in letters], on_page=progress)
    except Exception:  # the file was read at upload: this is a storage or library failure
        log.exception("splitting scan %s failed", batch_id)
        return _failed(batch_id, _("The scan could not be read again from storage. Try once more, or upload it again."))
    try:
        return _register_letters(actor, batch_id, letters, files)
    except QuerelaError as exc:
        return _failed(batch_id, exc.message)
    finally:
        for f in files:
            f.close()


def _register_letters(
    actor: Actor, batch_id: int, letters: Sequence[LetterPlan], files: Sequence[IO[bytes]]
) -> ScanBatch | None:
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != ScanStatus.SPLITTING:
            return batch
        references = []
        for position, (letter, pdf) in enumerate(zip(letters, files, strict=True), start=1):
            try:
                complaint = _register_letter(actor, batch, letter, pdf)
            except ValidationFailed as exc:
                raise LetterInvalid(
                    _("Letter %(n)d (pages %(pages)s): %(why)s")
                    % {"n": position, "pages": letter.pages, "why": exc.message},
                    index=position - 1,
                ) from exc
            ScanLetter.objects.create(
                batch=batch,
                position=position,
                first_page=letter.first_page,
                last_page=letter.last_page,
                complaint=complaint,
            )
            references.append(complaint.reference)
        batch.status, batch.split_at, batch.pages_done = ScanStatus.SPLIT, clock.now(), batch.page_count
        batch.save(update_fields=["status", "split_at", "pages_done"])
        audit_record(
            actor=actor,
            action="postroom.split",
            object_type="scan_batch",
            object_id=batch.pk,
            changes={"letters": [f"{x.pages}: {ref}" for x, ref in zip(letters, references, strict=True)]},
        )
    return batch


def _register_letter(actor: Actor, batch: ScanBatch, letter: LetterPlan, pdf: IO[bytes]) -> Any:
    customer = _customer(letter.customer_number)
    places = list(ConsumptionPlace.objects.filter(customer=customer)[:2]) if customer else []
    size = pdf.seek(0, 2)
    pdf.seek(0)
    with translation.override(batch.tenant.default_language):
        summary = letter.summary.strip() or _("%(channel)s: the letter is in the attached scan.") % {
            "channel": Channel(letter.channel).label
        }
    return complaint_register(
        actor=actor,
        channel=letter.channel,
        subject=letter.subject,
        description=summary,
        received_at=letter.received_at,
        customer=customer,
        place=places[0] if len(places) == 1 else None,
        contact_name=letter.sender_name.strip(),
        contact_email=letter.sender_email.strip(),
        reply_channel=letter.reply_channel,
        uploads=[Upload(filename=f"scan-{batch.pk}-pages-{letter.pages}.pdf", stream=pdf, size=size)],
        # A written confirmation with the answer date, in the reply channel (as for any written complaint).
        acknowledge=True,
        given={"given_customer_number": letter.customer_number, "mailing_address": letter.sender_address},
    )


def _failed(batch_id: int, reason: str) -> ScanBatch | None:
    """Nothing was registered: the clerk sees why, and the letters as described, to correct and confirm."""
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != ScanStatus.SPLITTING:
            return batch
        batch.status, batch.error, batch.pages_done = ScanStatus.FAILED, reason[:2000], 0
        batch.save(update_fields=["status", "error", "pages_done"])
    return batch
