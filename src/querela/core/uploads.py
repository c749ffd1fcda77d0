"""Accepting a file from anyone (complaint documents, powers of attorney): size and type limits per
tenant, the real type sniffed from the bytes, a storage name that can't traverse. Used by every app
that stores uploads."""

from __future__ import annotations

import hashlib
from typing import IO, Any

import magic
from django.utils.translation import gettext as _

from .errors import ValidationFailed

# What customers send to a complaint office: scans, photos of meters, documents, forwarded mail.
DEFAULT_ALLOWED_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/tiff",
        "image/heic",
        "image/webp",
        "text/plain",
        "text/csv",
        "message/rfc822",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/zip",  # docx/xlsx sniff as zip with some libmagic versions
        # Call recordings (seed 004: a copy is sent to the customer on request) and voice messages.
        "audio/mpeg",
        "audio/x-wav",
        "audio/wav",
        "audio/ogg",
        "audio/mp4",
    }
)
_SNIFF_BYTES = 8192


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"


def sniff_type(head: bytes) -> str:
    return str(magic.from_buffer(head, mime=True)) if head else "application/x-empty"


SNIFF_BYTES = _SNIFF_BYTES


def check_upload(tenant: Any, filename: str, size: int, head: bytes) -> str:
    """Return the sniffed content type, or raise with a message that says why the file is refused."""
    if size == 0:
        raise ValidationFailed(_("“%(name)s” is empty.") % {"name": filename}, code="empty_file")
    if size > tenant.max_attachment_bytes:
        raise ValidationFailed(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": filename, "size": _human_size(size), "limit": _human_size(tenant.max_attachment_bytes)},
            code="file_too_large",
        )
    content_type = sniff_type(head)
    allowed = frozenset(tenant.allowed_attachment_types) or DEFAULT_ALLOWED_TYPES
    if content_type not in allowed:
        raise ValidationFailed(
            _("“%(name)s” is of type %(type)s, which is not accepted. Accepted: %(allowed)s.")
            % {"name": filename, "type": content_type, "allowed": _accepted_kinds(allowed)},
            code="file_type_not_allowed",
        )
    return content_type


_KIND_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "image/webp": "WebP",
    "text/plain": "TXT",
    "text/csv": "CSV",
    "message/rfc822": "EML",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "audio/mpeg": "MP3",
    "audio/x-wav": "WAV",
    "audio/wav": "WAV",
    "audio/ogg": "OGG",
    "audio/mp4": "M4A",
}


def _accepted_kinds(allowed: frozenset[str]) -> str:
    """What this tenant accepts, as people name files ("PDF, JPEG, PNG"), not as content types."""
    return ", ".join(sorted({_KIND_NAMES.get(t, t) for t in allowed if t != "application/zip"}))


def hash_stream(stream: IO[bytes]) -> str:
    """sha256 of the whole stream, read in chunks (a 20 MB scan never sits in memory), rewound after."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def safe_storage_name(filename: str) -> str:
    # The original name is kept in the row; storage gets a plain ASCII name that cannot traverse.
    stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename.rsplit("/", 1)[-1])[-80:]
    return stem.lstrip(".") or "attachment"
