"""Gapless reference numbers `CODE-YYYY-NNNNNN` per tenant and year."""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, connection, transaction

from querela.tenants.models import Tenant

from .models import ReferenceCounter

REFERENCE_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,5})-(\d{4})-(\d{6})(?!\d)")


PROVISIONAL = "~"


def provisional_reference() -> str:
    """Held by a complaint being registered until it takes its number, at the end of its transaction."""
    return PROVISIONAL + secrets.token_hex(8)


def is_provisional(reference: str) -> bool:
    return reference.startswith(PROVISIONAL)


def format_reference(code: str, year: int, number: int) -> str:
    return f"{code}-{year:04d}-{number:06d}"


def next_reference(tenant: Tenant, year: int) -> str:
    """Take the next number. Must run inside the transaction that inserts the complaint, as late as it
    can: the UPDATE locks the counter row until commit (so numbers stay gapless: a rollback gives the
    number back), and every statement after it makes the tenant's other registrations wait."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must run inside the complaint's transaction")
    number = _take(tenant.pk, year)
    if number is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(tenant_id=tenant.pk, year=year, last=1)
                number = 1
        except IntegrityError:  # another writer created it first
            number = _take(tenant.pk, year)
    assert number is not None
    return format_reference(tenant.code, year, number)


def _take(tenant_id: int, year: int) -> int | None:
    """The next number in one statement (UPDATE … RETURNING), or None when the year has no counter yet."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    sql = f'UPDATE {table} SET "last" = "last" + 1 WHERE tenant_id = %s AND year = %s RETURNING "last"'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenant_id, year])
        row = cursor.fetchone()
    return int(row[0]) if row else None
