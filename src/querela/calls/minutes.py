"""Minutes of a phone complaint (seed 004): taken when the matter is not settled during the call or
the customer disagrees, with every element the rules list. The recording id stands where an office
visit has signatures: the call itself is the customer's side of the record."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from querela.complaints.language import complaint_language
from querela.complaints.models import Complaint
from querela.core import clock

from .models import Call


def call_minutes_pdf(*, complaint: Complaint, call: Call, agent: str, statement: str, disagrees: bool) -> bytes:
    from weasyprint import HTML  # heavy import (Pango): only when minutes are printed

    tenant = complaint.tenant
    zone = clock.tenant_zone(tenant)
    customer = complaint.customer
    place = complaint.place
    with translation.override(complaint_language(complaint)):
        html = render_to_string(
            "calls/call_minutes.html",
            {
                "complaint": complaint,
                "tenant": tenant,
                "call": call,
                "customer": customer,
                "address": (str(place) if place else "")
                or complaint.place_address
                or (customer.mailing_address if customer else ""),
                "started": call.started_at.astimezone(zone),
                "taken": clock.now().astimezone(zone),
                "agent": agent,
                "statement": statement,
                "disagrees": disagrees,
            },
        )
    return bytes(HTML(string=html).write_pdf())
