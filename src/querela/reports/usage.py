"""Usage metering: the operator bills each supplier per complaint (seed 003: 6.00 EUR each)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from querela.complaints.models import COMPLAINT_KINDS, Complaint
from querela.core import tenancy
from querela.tenants.models import Tenant


def usage_by_month(tenant: Tenant) -> list[dict[str, Any]]:
    """Complaints (not redirected non-complaints) per month of receipt, with the amount due."""
    with tenancy.tenant_scope(tenant):
        rows = (
            Complaint.objects.filter(kind__in=COMPLAINT_KINDS)
            .annotate(month=TruncMonth("received_at"))
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )
        return [
            {
                "month": r["month"],
                "count": r["count"],
                "amount": Decimal(r["count"]) * tenant.price_per_complaint,
                "currency": tenant.currency,
            }
            for r in rows
        ]
