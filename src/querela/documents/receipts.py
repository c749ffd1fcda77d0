"""The receipt of a complaint sent through the public form: what was received, when, and by when the
answer is due — a PDF the complainant keeps (WeasyPrint, so ő ű ą ł ș ț print as typed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from querela.complaints.language import complaint_language
from querela.complaints.models import Complaint
from querela.complaints.sector_texts import is_vendor
from querela.core import clock


@dataclass(frozen=True)
class Receipt:
    reference: str
    content: bytes


def receipt_pdf(complaint_id: int, *, language: str = "", received_by: str = "") -> Receipt | None:
    """The receipt in the reader's language (else the complaint's); None when there is no such complaint.

    `received_by`: printed at the office for a letter handed in, the clerk's name in the stamp."""
    from weasyprint import HTML  # heavy import (Pango): only when a receipt is printed

    complaint = Complaint.objects.filter(pk=complaint_id).select_related("tenant").first()
    if complaint is None:
        return None
    tenant = complaint.tenant
    with translation.override(language or complaint_language(complaint)):
        html = render_to_string(
            "documents/receipt.html",
            {
                "complaint": complaint,
                "tenant": tenant,
                "received": complaint.received_at.astimezone(clock.tenant_zone(tenant)),
                "files": list(complaint.attachments.values_list("filename", flat=True)),
                "vendor": is_vendor(tenant),
                "received_by": received_by,
            },
        )
    return Receipt(complaint.reference, bytes(HTML(string=html).write_pdf()))
