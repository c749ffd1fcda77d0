"""Identifying a sender reads one index entry, not the tenant's customers: ids, meter serials and addresses
are matched case-insensitively (UPPER(…) = UPPER(…)), so the indexes must be on those expressions. Found by
`make bench`: at a million complaints every mail took 170 ms in a sequential scan of 333,000 customers."""

from __future__ import annotations

import pytest
from django.db import connection

from querela.customers.models import Customer, Meter

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return " ".join(str(col) for row in cursor.fetchall() for col in row)


@pytest.mark.parametrize(
    ("model", "lookup", "index"),
    [
        (Customer, {"customer_number__iexact": "hu-123"}, "customer_tenant_number_ci"),
        (Customer, {"email__iexact": "Ugyfel@Example.HU"}, "customer_tenant_email_ci"),
        (Meter, {"serial__iexact": "abc-1"}, "meter_tenant_serial_ci"),
    ],
)
def test_case_insensitive_identification_uses_its_index(world, model, lookup, index):
    from querela.core import tenancy

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's iexact is LIKE, and the embedded run's data is small")
    with tenancy.tenant_scope(world.a.tenant):
        with connection.cursor() as cursor:  # a plan on an almost empty table would rather scan it
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _plan(model.objects.filter(**lookup).order_by())
    assert index in plan, plan
