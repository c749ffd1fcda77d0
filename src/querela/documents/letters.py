"""Printable letters: what goes to the customer by post (or is handed over in person) as a PDF; and
every other written message to the customer as the same letter, to keep on the case (issue 13).

Seed 004: the answer goes out in the form the complaint came in. For post, the office prints the
letter this renders; WeasyPrint lays it out, so Hungarian, Polish and Romanian letters keep their
ő ű ą ł ș ț.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints.language import complaint_language
from querela.complaints.models import Attachment, EntryType, TimelineEntry
from querela.core import clock
from querela.core.channels import Channel
from querela.core.errors import NotFound
from querela.documents.greetings import opens_with_greeting

# Channels in which a message reaches the customer on paper.
PAPER_CHANNELS = frozenset({"post", "in_person", "fax", "handed_in"})


def is_letter(entry: TimelineEntry) -> bool:
    return entry.entry_type == EntryType.OUTBOUND and entry.channel in PAPER_CHANNELS


@dataclass(frozen=True)
class Letter:
    """One rendered letter: the PDF, and to whom and where it is addressed (what the print room lists)."""

    pdf: bytes
    recipient_name: str
    address: str


def _enclosure_names(entry: TimelineEntry) -> list[str]:
    """What goes with the letter, as its "Enclosures:" line names them (in the order chosen)."""
    ids = [int(pk) for pk in entry.data.get("enclosures", []) if str(pk).isdigit()]
    if not ids:
        return []
    names = dict(Attachment.objects.filter(complaint_id=entry.complaint_id, pk__in=ids).values_list("pk", "filename"))
    return [names[pk] for pk in ids if pk in names]


def letter_pdf(entry: TimelineEntry) -> bytes:
    """The letter for one outbound message on paper, in the customer's language, as PDF bytes."""
    if not is_letter(entry):
        raise NotFound(_("This message is not a letter."))
    return outbound_letter(entry).pdf


def outbound_letter(entry: TimelineEntry) -> Letter:
    """Any message to the customer as the letter it is (issue 13: every letter is a PDF kept on the case),
    whatever the channel it went out in: on paper it is what was printed; an e-mail or a message on the
    wall reads the same, with the channel and the address it went to."""
    from weasyprint import HTML  # heavy import (Pango): only when a letter is printed

    if entry.entry_type != EntryType.OUTBOUND:
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
        sent_by = "" if entry.channel in PAPER_CHANNELS or not entry.channel else str(Channel(entry.channel).label)
        if entry.channel == Channel.EMAIL:
            to = complaint.contact_email or (customer.email if customer else "")
            sent_by = f"{sent_by}, {to}" if to else sent_by
        html = render_to_string(
            "documents/letter.html",
            {
                "complaint": complaint,
                "tenant": complaint.tenant,
                "recipient_name": recipient_name,
                "on_behalf_of": customer.name if rep is not None and rep.address and customer else "",
                "address": address,
                "sent_by": sent_by,
                "date": clock.tenant_date(complaint.tenant, entry.created_at),
                "body": entry.body,
                "greeted": opens_with_greeting(entry.body),  # the greeting once (issue 13)
                "purpose": entry.data.get("purpose", "message"),
                "enclosures": _enclosure_names(entry),
            },
        )
    return Letter(pdf=bytes(HTML(string=html).write_pdf()), recipient_name=recipient_name or "", address=address or "")
