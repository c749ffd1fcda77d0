"""The minutes as a PDF: every element of seed 004 and both signatures, in the customer's language, times in
the supplier's zone. WeasyPrint with DejaVu Sans, as the letters: ő ű ą ł ș ț print as typed."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from querela.complaints.language import complaint_language
from querela.core import clock

from .models import Minutes
from .signatures import data_url


def minutes_html(minutes: Minutes, *, language: str = "") -> str:
    complaint = minutes.complaint
    tenant = complaint.tenant
    with translation.override(language or complaint_language(complaint)), timezone.override(clock.tenant_zone(tenant)):
        return render_to_string(
            "minutes/minutes.html",
            {
                "m": minutes,
                "complaint": complaint,
                "tenant": tenant,
                "present": minutes.present_rows(),
                "recorder_png": data_url(minutes.recorder_signature),
                "customer_png": data_url(minutes.customer_signature),
            },
        )


def minutes_pdf(minutes: Minutes) -> bytes:
    from weasyprint import HTML  # heavy import (Pango): only when minutes are signed

    return bytes(HTML(string=minutes_html(minutes)).write_pdf())
