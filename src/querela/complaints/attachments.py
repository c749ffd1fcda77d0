"""Storing a complaint's documents (the checks every upload passes are `core.uploads`)."""

from __future__ import annotations

from typing import IO

from django.core.files import File

from querela.core.uploads import check_upload, hash_stream, safe_storage_name

from .models import Attachment, Complaint, TimelineEntry


def store_attachment(
    *,
    complaint: Complaint,
    filename: str,
    stream: IO[bytes],
    size: int,
    uploaded_by_id: int | None,
    entry: TimelineEntry | None = None,
) -> Attachment:
    """Stream the file to storage while hashing it; the caller holds the transaction and audits."""
    content_type = check_upload(complaint.tenant, filename=filename, stream=stream, size=size)
    sha256 = hash_stream(stream)
    attachment = Attachment(
        complaint=complaint,
        tenant_id=complaint.tenant_id,
        entry=entry,
        filename=filename[:255] or "attachment",
        size=size,
        sha256=sha256,
        content_type=content_type,
        uploaded_by_id=uploaded_by_id,
    )
    attachment.file.save(safe_storage_name(filename), File(stream), save=False)
    attachment.save()
    return attachment
