"""A justifying document as PDF: the template's text with the facts filled in, laid out by WeasyPrint in
DejaVu Sans like the letters (`documents/letters.py`), so ő ű ą ł ș ț print as written."""

from __future__ import annotations

from collections.abc import Mapping

from django.template.loader import render_to_string
from django.utils import translation

from querela.core import clock, tenancy

from .models import DocumentTemplate
from .placeholders import render


def document_text(document: DocumentTemplate, values: Mapping[str, str]) -> str:
    return render(document.body, values)


def document_pdf(document: DocumentTemplate, values: Mapping[str, str]) -> bytes:
    """The document with `values` filled in (a fact missing: a line to fill in by hand), in the language its
    instruction is written in."""
    from weasyprint import HTML  # heavy import (Pango): only when a document is printed

    instruction = document.instruction
    with translation.override(instruction.language):
        html = render_to_string(
            "instructions/document.html",
            {
                "document": document,
                "instruction": instruction,
                "supplier": values.get("supplier_name") or tenancy.current_tenant().name,
                "text": document_text(document, values),
            },
        )
    return bytes(HTML(string=html).write_pdf())


def blank_values() -> dict[str, str]:
    """A form printed from the library: only the supplier and the day are known."""
    tenant = tenancy.current_tenant()
    return {"supplier_name": tenant.name, "today": clock.tenant_today(tenant).isoformat()}
