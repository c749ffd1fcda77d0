"""Printable letters: what goes to the customer by post (or is handed over in person) as a PDF.

Seed 004: the answer goes out in the form the complaint came in. For post, the office prints the
letter this renders; WeasyPrint lays it out, so Hungarian, Polish and Romanian letters keep their
ő ű ą ł ș ț.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints.language import complaint_language
from querela.complaints.models import EntryType, TimelineEntry
from querela.core import clock
from querela.core.errors import NotFound

# Channels in which a message reaches the customer on paper.
PAPER_CHANNELS = frozenset({"post", "in_person", "fax", "handed_in"})


def is_letter(entry: TimelineEntry) -> bool:
    return entry.entry_type == EntryType.OUTBOUND and entry.channel in PAPER_CHANNELS


def letter_pdf(entry: TimelineEntry) -> bytes:
    """The letter for one outbound message, in the customer's language, as PDF bytes."""
    from weasyprint import HTML  # heavy import (Pango): only when a letter is printed

    if not is_letter(entry):
        raise NotFound(_("This message is not a letter."))
    complaint = entry.complaint
    customer = complaint.customer
    rep = complaint.representative
    # On file first; else what the complainant gave on the form (not yet identified).
    customer_address = (
        (customer.mailing_address if customer else "")
        or complaint.mailing_address
        or (str(complaint.place) if complaint.place else complaint.place_address)
    )
    if rep is not None and rep.address:
        # The representative filed it and gave where to write: the letter goes to them.
        recipient_name, address = rep.name, rep.address
    else:
        recipient_name = customer.name if customer else complaint.contact_name
        address = customer_address
    with translation.override(complaint_language(complaint)):
        html = render_to_string(
            "documents/letter.html",
            {
                "complaint": complaint,
                "tenant": complaint.tenant,
                "recipient_name": recipient_name,
                "on_behalf_of": customer.name if rep is not None and rep.address and customer else "",
                "address": address,
                "date": clock.tenant_date(complaint.tenant, entry.created_at),
                "body": entry.body,
                "purpose": entry.data.get("purpose", "message"),
            },
        )
    return bytes(HTML(string=html).write_pdf())
