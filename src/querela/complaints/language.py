"""The language a complaint's customer is written to in: the one they wrote the complaint in, else
theirs on file, else the supplier's."""

from __future__ import annotations

from .models import Complaint


def complaint_language(complaint: Complaint) -> str:
    if complaint.language:
        return complaint.language
    customer = complaint.customer
    return (customer.language if customer and customer.language else "") or complaint.tenant.default_language
