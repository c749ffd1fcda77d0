"""The erasing steps the retention purge and an erasure request share: each removes one kind of thing, in
the caller's transaction, and audits every item it removes. Files leave the storage only once the
transaction has committed, so a rollback never leaves a row pointing at nothing.

Audit events name what went by its id, digest and size, never by a file name or a text (a file name can
be a person's name): the log keeps no copy of what was erased.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction

from querela.audit.services import audit_batch, audit_record
from querela.complaints.models import Attachment, Complaint, EntryType, Notification, TimelineEntry
from querela.consultations.models import Consultation
from querela.core import clock, tenancy
from querela.instructions.models import ChecklistStep
from querela.intake.models import InboundMessage, OutboundEmail
from querela.minutes.models import Minutes
from querela.printing.models import PrintBatch, StoredLetter
from querela.supervision.models import ExtensionRequest, QualityReview
from querela.tenants.access import Actor

from .models import ErasedComplaint
from .schedule import DocumentType

# What replaces a text that said something about the person (the same in every language: it is data).
ERASED = "[erased]"

# The complaint's own fields that describe the person or what they wrote: blanked, the links cut.
_COMPLAINT_BLANKS: dict[str, Any] = {
    "subject": ERASED,
    "description": "",
    "contact_name": "",
    "contact_email": "",
    "contact_phone": "",
    "given_customer_number": "",
    "serial_number": "",
    "product_model": "",
    "ticket_number": "",
    "place_address": "",
    "mailing_address": "",
    "acting_for": "",
    "earlier_contacts": "",
    "proposed_solution": "",
    "needs_attention": "",
    "redirect_explanation": "",
    "search_text": "",
    "customer": None,
    "place": None,
    "representative": None,
}

# Texts about the complaint kept in other tables: (model, its complaint field, the fields blanked).
_DEPENDENT_BLANKS: list[tuple[type[models.Model], str, dict[str, Any]]] = [
    (OutboundEmail, "complaint", {"to": "", "subject": ERASED, "body": ""}),
    (Notification, "complaint", {"subject": ERASED, "body": "", "recipient": ""}),
    (Consultation, "complaint", {"question": ERASED, "result": ""}),
    (ExtensionRequest, "complaint", {"notice_text": ERASED, "decision_note": ""}),
    (QualityReview, "complaint", {"comment": ""}),
    (ChecklistStep, "complaint", {"note": ""}),
]

# A timeline entry's bookkeeping that pages read and that names nobody; anything else in `data` goes.
_KEPT_ENTRY_DATA = frozenset({"transition", "before", "after", "purpose", "automatic", "reason_code"})


def files_go_after_commit(names: Iterable[str | None]) -> None:
    wanted = [n for n in names if n]

    def delete() -> None:
        for name in wanted:
            default_storage.delete(name)

    if wanted:
        transaction.on_commit(delete)


def _audit_gone(
    actor: Actor, *, document_type: str, object_type: str, object_id: object, reason: str, **more: Any
) -> None:
    audit_record(
        actor=actor,
        action="privacy.purge",
        object_type=object_type,
        object_id=object_id,
        changes={"document_type": document_type, "purged_by": reason, **{k: v for k, v in more.items() if v}},
    )


def minutes_pdf_ids() -> models.QuerySet[Any]:
    """Attachments that are minutes' PDFs: they go with their minutes, not as files of the complaint."""
    return Minutes.objects.filter(pdf__isnull=False).values("pdf_id")


def _stored_files_delete(
    model: Any, rows: Sequence[Any], *, document_type: str, object_type: str, actor: Actor, reason: str
) -> int:
    """Rows that each hold one stored file of a complaint (attachments, letters): audited, deleted, and
    their files removed once the deletion has committed."""
    with audit_batch():
        for row in rows:
            _audit_gone(
                actor,
                document_type=document_type,
                object_type=object_type,
                object_id=row.pk,
                reason=reason,
                complaint=row.complaint.reference,
                sha256=row.sha256,
                size=row.size,
            )
    model.objects.filter(pk__in=[row.pk for row in rows]).delete()
    files_go_after_commit(row.file.name for row in rows)
    return len(rows)


def attachments_delete(rows: Sequence[Attachment], *, actor: Actor, reason: str) -> int:
    return _stored_files_delete(
        Attachment, rows, document_type=DocumentType.ATTACHMENT, object_type="attachment", actor=actor, reason=reason
    )


def minutes_delete(rows: Sequence[Minutes], *, actor: Actor, reason: str) -> int:
    """Minutes and their signed PDFs, newest version first (a version is protected by its correction).

    Signed minutes refuse every change through their manager: that guard is against editing a signed
    record, and this is its end after the period the law keeps it, so the plain queryset is used."""
    ordered = sorted(rows, key=lambda m: (m.complaint_id, -m.version))
    pdfs = [m.pdf for m in ordered if m.pdf_id is not None]
    with audit_batch():
        for m in ordered:
            _audit_gone(
                actor,
                document_type=DocumentType.MINUTES,
                object_type="minutes",
                object_id=m.pk,
                reason=reason,
                complaint=m.complaint.reference,
                version=m.version,
                sha256=m.pdf_sha256,
            )
    for m in ordered:
        models.QuerySet(model=Minutes).filter(tenant_id=m.tenant_id, pk=m.pk).delete()
    Attachment.objects.filter(pk__in=[p.pk for p in pdfs if p is not None]).delete()
    files_go_after_commit(p.file.name for p in pdfs if p is not None)
    return len(ordered)


def letters_delete(rows: Sequence[StoredLetter], *, actor: Actor, reason: str) -> int:
    return _stored_files_delete(
        StoredLetter, rows, document_type=DocumentType.LETTER, object_type="stored_letter", actor=actor, reason=reason
    )


def print_batches_clear(rows: Sequence[PrintBatch], *, actor: Actor, reason: str) -> int:
    """A closed batch's one PDF (every letter of the batch together): the file goes, the batch's row and
    its letters' own copies stay as long as theirs."""
    names = [b.pdf.name for b in rows]
    with audit_batch():
        for batch in rows:
            _audit_gone(
                actor,
                document_type=DocumentType.LETTER,
                object_type="print_batch",
                object_id=batch.number,
                reason=reason,
                sha256=batch.pdf_sha256,
            )
    PrintBatch.objects.filter(pk__in=[b.pk for b in rows]).update(pdf="", pdf_sha256="")
    files_go_after_commit(names)
    return len(rows)


def raw_mail_delete(rows: Sequence[InboundMessage], *, actor: Actor, reason: str) -> int:
    with audit_batch():
        for m in rows:
            _audit_gone(
                actor,
                document_type=DocumentType.RAW_MAIL,
                object_type="inbound_message",
                object_id=m.pk,
                reason=reason,
                complaint=m.complaint.reference if m.complaint_id else "",
                sha256=m.raw_sha256,
                size=m.size,
            )
    InboundMessage.objects.filter(pk__in=[m.pk for m in rows]).delete()
    files_go_after_commit(m.raw.name for m in rows)
    return len(rows)


def complaints_anonymise(rows: Sequence[Complaint], *, actor: Actor, reason: str) -> int:
    """The record stays for the statistics (reference, dates, channel, kind, category, status, decision,
    the recording's id); what it said about the person goes, and it is no longer linked to them."""
    ids = [c.pk for c in rows]
    if not ids:
        return 0
    Complaint.objects.filter(pk__in=ids).update(**_COMPLAINT_BLANKS)
    entries = list(TimelineEntry.objects.filter(complaint_id__in=ids))
    for e in entries:
        if e.body:
            e.body = ERASED
        if e.entry_type != EntryType.STATUS:
            e.data = {k: v for k, v in (e.data or {}).items() if k in _KEPT_ENTRY_DATA}
        if e.entry_type == EntryType.INBOUND:
            e.author_label = ""  # the customer's name as the timeline showed it
    TimelineEntry.objects.bulk_update(entries, ["body", "data", "author_label"], batch_size=500)
    for model, field, blanks in _DEPENDENT_BLANKS:
        model._default_manager.filter(**{f"{field}_id__in": ids}).update(**blanks)
    now = clock.now()
    tenant = tenancy.current_tenant()
    ErasedComplaint.objects.bulk_create(
        [ErasedComplaint(tenant=tenant, complaint_id=pk, erased_at=now, reason=reason) for pk in ids]
    )
    with audit_batch():
        for c in rows:
            audit_record(
                actor=actor,
                action="privacy.complaint_erase",
                object_type="complaint",
                object_id=c.reference,
                changes={"document_type": DocumentType.COMPLAINT_RECORD, "purged_by": reason},
            )
    return len(ids)
