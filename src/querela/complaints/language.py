"""The language a complaint's customer is written to in: theirs if known, else the supplier's."""

from __future__ import annotations

from .models import Complaint


def complaint_language(complaint: Complaint) -> str:
    customer = complaint.customer
    return (customer.language if customer and customer.language else "") or complaint.tenant.default_language
