"""The second wall (issue 16, item 6): on PostgreSQL every tenant table has a row-level security policy,
so a query that forgot its tenant — raw SQL, with no WHERE on tenant_id — returns nothing, and a write
into another tenant is refused by the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from querela.complaints.services import complaint_register
from querela.core import row_security, tenancy
from tests.factories import skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_as_an_ordinary_role():
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's: runs in the PostgreSQL suite")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            skip_or_fail("connected as a superuser, which bypasses row-level security: use an ordinary role")


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def _complaint(w, subject: str):
    with tenancy.tenant_scope(w.tenant):
        return complaint_register(
            actor=w.actor("agent"), channel="phone", subject=subject, description="d", customer=w.customer
        )


def test_a_raw_query_that_forgot_its_tenant_sees_only_the_tenant_in_scope_or_nothing(world):
    _complaint(world.a, "a1"), _complaint(world.a, "a2"), _complaint(world.b, "b1")
    everything = "SELECT count(*) FROM complaints_complaint"
    assert _count(everything) == 0  # no tenant told: nothing
    with tenancy.tenant_scope(world.a.tenant):
        assert _count(everything) == 2
        assert _count("SELECT count(*) FROM customers_customer WHERE customer_number LIKE 'BBB%%'") == 0
    with tenancy.tenant_scope(world.b.tenant):
        assert _count(everything) == 1
    with tenancy.dangerously_all_tenants():
        assert _count(everything) == 3


def test_a_write_into_another_tenant_is_refused_by_the_database(world):
    with tenancy.tenant_scope(world.a.tenant):
        with (
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE customers_customer SET tenant_id = %s WHERE id = %s", [world.b.tenant.pk, world.a.customer.pk]
            )
        # Another tenant's rows are not there to change at all.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE customers_customer SET name = 'x' WHERE id = %s", [world.b.customer.pk])
            assert cursor.rowcount == 0


def test_a_rolled_back_scope_change_is_told_again(world):
    _complaint(world.a, "a1")
    with tenancy.tenant_scope(world.a.tenant):
        try:
            with transaction.atomic():
                assert _count("SELECT count(*) FROM complaints_complaint") == 1
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert _count("SELECT count(*) FROM complaints_complaint") == 1


def test_every_tenant_table_is_walled_in():
    assert row_security.unwalled_tables(connection) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname = 'complaints_complaint' AND relrowsecurity"
            " AND relforcerowsecurity"
        )
        assert cursor.fetchone()[0] == 1


def test_the_lookups_indexes_stay_usable_behind_the_wall():
    """The functions Querela's case-insensitive lookups and searches use are leakproof here, as the set-up
    makes them (scripts/pg_app_role.py); otherwise PostgreSQL would use none of their indexes."""
    assert row_security.not_leakproof(connection) == []


@pytest.mark.django_db(transaction=True)  # ALTER TABLE waits for no deferred constraint of a test's transaction
def test_the_wall_can_be_taken_down_and_put_back(world):
    _complaint(world.a, "a1")
    try:
        assert "complaints_complaint" in row_security.take_down(connection)
        assert _count("SELECT count(*) FROM complaints_complaint") == 1  # no tenant told, and yet seen
    finally:
        assert "complaints_complaint" in row_security.wall_in(connection)
    assert _count("SELECT count(*) FROM complaints_complaint") == 0
