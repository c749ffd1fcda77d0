"""Accepting a file from anyone (complaint documents, powers of attorney, mail attachments, recordings):
size and type limits per tenant, the real type sniffed from the bytes and checked against the name, what
the file holds checked (`file_checks`), an optional virus scan (`antivirus`), a storage name that can't
traverse. Used by every app that stores uploads."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import IO, Any

import magic
from django.conf import settings
from django.utils.translation import gettext as _

from . import antivirus, file_checks
from .errors import ValidationFailed
from .upload_names import UNUSABLE_NAME

logger = logging.getLogger(__name__)

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
        # Zipped scans, and docx/xlsx that some libmagic versions sniff as zip: opened and each file inside
        # checked like one sent alone (`file_checks`, `archives`).
        "application/zip",
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


def usable_file_name(filename: str) -> bool:
    """A name left after its folders are taken off that is a file's: not empty, `.` or `..` (nor what the
    web parser calls such a file, `upload_names.UNUSABLE_NAME`)."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip() not in ("", ".", "..", UNUSABLE_NAME)


def check_upload(tenant: Any, *, filename: str, stream: IO[bytes], size: int) -> str:
    """Return the sniffed content type, or raise with a message that names the file and says why it is
    refused. The one check every channel's files pass (forms, API, mail, call recordings): the name, the
    tenant's size and type limits, then what the file holds (`file_checks`: type against name, polyglots,
    active PDF content, archives opened within limits) and, when configured, a virus scan. Reads the stream
    (a PDF or archive to its end) and leaves it rewound."""
    if not usable_file_name(filename):
        raise ValidationFailed(
            _(
                "A file without a usable name (such as “..”) was not accepted: that is not a file name. Rename "
                "the file and attach it again."
            ),
            code="file_name_unusable",
        )
    if size == 0:
        raise ValidationFailed(_("“%(name)s” is empty.") % {"name": filename}, code="empty_file")
    if size > tenant.max_attachment_bytes:
        raise ValidationFailed(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": filename, "size": _human_size(size), "limit": _human_size(tenant.max_attachment_bytes)},
            code="file_too_large",
        )
    stream.seek(0)
    head = stream.read(_SNIFF_BYTES)
    content_type = sniff_type(head)
    allowed = frozenset(tenant.allowed_attachment_types) or DEFAULT_ALLOWED_TYPES
    rules = file_checks.new_rules(
        allowed=allowed,
        accepted_text=_accepted_kinds(allowed),
        max_member_bytes=tenant.max_attachment_bytes,
        sniff=sniff_type,
    )
    try:
        file_checks.check_file(rules, label=filename, head=head, content_type=content_type, whole=_rewound(stream))
        check_viruses(filename, stream)
    finally:
        stream.seek(0)
    return content_type


def check_content(filename: str, stream: IO[bytes], *, content_type: str, max_bytes: int) -> None:
    """What the file holds, for uploads with their own size and type rules (scanned post): the checks of
    `check_upload` after the tenant's limits, with `content_type` as the only type accepted."""
    stream.seek(0)
    head = stream.read(_SNIFF_BYTES)
    rules = file_checks.new_rules(
        allowed=frozenset({content_type}),
        accepted_text=_KIND_NAMES.get(content_type, content_type),
        max_member_bytes=max_bytes,
        sniff=sniff_type,
    )
    try:
        file_checks.check_file(rules, label=filename, head=head, content_type=content_type, whole=_rewound(stream))
        check_viruses(filename, stream)
    finally:
        stream.seek(0)


def _rewound(stream: IO[bytes]) -> Callable[[], IO[bytes]]:
    def whole() -> IO[bytes]:
        stream.seek(0)
        return stream

    return whole


def check_viruses(filename: str, stream: IO[bytes]) -> None:
    """The virus scan, when `QUERELA["ANTIVIRUS"]` names a clamd. A scan that could not run refuses the file:
    whoever switched the scan on wants no file in unscanned, and a person who sees the message can send it
    again in a few minutes (a refused mail attachment stays in the kept original, flagged)."""
    address = settings.QUERELA.get("ANTIVIRUS") or ""
    if not address:
        return
    stream.seek(0)
    verdict = antivirus.scan(stream, str(address), timeout=float(settings.QUERELA.get("ANTIVIRUS_TIMEOUT", 30)))
    stream.seek(0)
    if verdict.clean:
        return
    if verdict.virus:
        logger.warning("upload %r refused: virus %s", filename, verdict.virus)
        raise ValidationFailed(
            _("“%(name)s” contains a virus (%(virus)s) and was refused.") % {"name": filename, "virus": verdict.virus},
            code="virus_found",
        )
    logger.error("virus scan of upload %r could not run: %s", filename, verdict.failure)
    raise ValidationFailed(
        _(
            "“%(name)s” could not be checked for viruses just now (the virus scanner did not answer), so it was "
            "not accepted. Try again in a few minutes."
        )
        % {"name": filename},
        code="virus_scan_unavailable",
    )


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
    "application/zip": "ZIP",
}


def _accepted_kinds(allowed: frozenset[str]) -> str:
    """What this tenant accepts, as people name files ("PDF, JPEG, PNG"), not as content types."""
    return ", ".join(sorted({_KIND_NAMES.get(t, t) for t in allowed}))


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
