"""Which statements would run on one shard once tenant tables are distributed (issue 15, item 3): the
classifier on Django's SQL, and today's count of multi-shard statements on the hot pages, pinned so that a
new one shows (lower the numbers as joins learn tenant_id)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.complaints.services import complaint_register
from querela.core import tenancy
from querela.core.models import TenantModel
from querela.ops.shard_routing import not_routed
from tests.factories import PASSWORD

TENANT = {"complaints_complaint", "customers_customer", "complaints_timelineentry"}


@pytest.mark.parametrize(
    ("sql", "routed"),
    [
        (
            'SELECT "complaints_complaint"."id" FROM "complaints_complaint"'
            ' WHERE "complaints_complaint"."tenant_id" = 4',
            True,
        ),
        ('SELECT * FROM "complaints_complaint" WHERE "complaints_complaint"."tenant_id" IN (4)', True),
        ('SELECT * FROM "complaints_complaint" WHERE "complaints_complaint"."reference" = \'X\'', False),
        (
            'SELECT * FROM "complaints_complaint" INNER JOIN "customers_customer"'
            ' ON ("complaints_complaint"."customer_id" = "customers_customer"."id")'
            ' WHERE "complaints_complaint"."tenant_id" = 4',
            False,
        ),
        (
            'SELECT * FROM "complaints_complaint" INNER JOIN "customers_customer"'
            ' ON ("complaints_complaint"."customer_id" = "customers_customer"."id"'
            ' AND "complaints_complaint"."tenant_id" = "customers_customer"."tenant_id")'
            ' WHERE "complaints_complaint"."tenant_id" = 4',
            True,
        ),
        (
            'SELECT * FROM "complaints_timelineentry" U0 WHERE U0."tenant_id" = 4 AND U0."complaint_id" = 7',
            True,
        ),
        ('INSERT INTO "complaints_complaint" ("tenant_id", "reference") VALUES (4, \'R\')', True),
        ('INSERT INTO "complaints_complaint" ("reference") VALUES (\'R\')', False),
        ('SELECT * FROM "tenants_tenant" WHERE "tenants_tenant"."code" = \'AAA\'', True),  # a reference table
        ('UPDATE "complaints_complaint" SET "status" = \'closed\' WHERE "complaints_complaint"."id" = 3', False),
    ],
)
def test_the_classifier_reads_djangos_sql(sql, routed):
    assert (not_routed(sql, TENANT) is None) == routed


def _tenant_tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantModel)} | {
        "audit_auditevent",
        "audit_auditchainhead",
        "audit_auditseal",
    }


def _unrouted(client: Client, url: str) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    tables = _tenant_tables()
    return [f"{reason}: {q['sql'][:160]}" for q in captured if (reason := not_routed(q["sql"], tables))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url", "today"),
    [
        # The worklist's rows joined to customer and department on id; the page's checklist counts.
        ("handler", "/t/AAA/complaints/", 2),
        ("handler", "/t/AAA/complaints/?q=Kov", 2),
        # The complaint with customer, place and department; consultations with department; the checklist
        # with its instruction.
        ("handler", "/t/AAA/complaints/{ref}/", 3),
    ],
)
def test_the_hot_pages_multi_shard_statements_do_not_grow(world, role, url, today):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject="Kovács",
            description="d",
            customer=w.customer,
            place=w.place,
        )
    client = Client()
    assert client.login(username=f"aaa-{role}", password=PASSWORD)
    found = _unrouted(client, url.format(ref=c.reference))
    assert len(found) <= today, "\n".join(found)
