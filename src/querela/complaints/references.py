"""Gapless reference numbers `CODE-YYYY-NNNNNN` per tenant and year."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import F

from querela.tenants.models import Tenant

from .models import ReferenceCounter

REFERENCE_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,5})-(\d{4})-(\d{6})(?!\d)")


def format_reference(code: str, year: int, number: int) -> str:
    return f"{code}-{year:04d}-{number:06d}"


def next_reference(tenant: Tenant, year: int) -> str:
    """Take the next number. Must run inside the transaction that inserts the complaint:
    the UPDATE locks the counter row until commit, and a rollback gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must run inside the complaint's transaction")
    updated = ReferenceCounter.objects.filter(tenant_id=tenant.pk, year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(tenant_id=tenant.pk, year=year, last=1)
        except IntegrityError:  # another writer created it first
            ReferenceCounter.objects.filter(tenant_id=tenant.pk, year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.get(tenant_id=tenant.pk, year=year).last
    return format_reference(tenant.code, year, number)
