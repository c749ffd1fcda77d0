"""Which statements would run on one shard once tenant tables are distributed (issue 15, item 3): the
classifier on Django's SQL, and the hot pages, every statement of which must stay on the tenant's shard."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.core import tenancy
from querela.core.fields import TenantForeignKey, TenantOneToOneField
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
        (  # as a TenantForeignKey's join is written
            'SELECT * FROM "complaints_complaint" LEFT OUTER JOIN "customers_customer"'
            ' ON ("complaints_complaint"."customer_id" = "customers_customer"."id"'
            ' AND ("customers_customer"."tenant_id" = ("complaints_complaint"."tenant_id")))'
            ' WHERE ("complaints_complaint"."tenant_id" = 1 AND "complaints_complaint"."id" IN (1))',
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
    return [f"{reason}: {q['sql']}" for q in captured if (reason := not_routed(q["sql"], tables))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("handler", "/t/AAA/complaints/"),
        ("handler", "/t/AAA/complaints/?q=Kov"),
        ("handler", "/t/AAA/complaints/{ref}/"),
        ("supervisor", "/t/AAA/"),
        ("supervisor", "/t/AAA/supervision/"),
        ("handler", "/t/AAA/customers/{customer}/"),
        ("handler", "/api/v1/t/AAA/complaints/"),
        ("handler", "/api/v1/t/AAA/complaints/{ref}/"),
    ],
)
def test_the_hot_pages_run_on_one_shard(world, role, url):
    """Every statement of these pages stays on the tenant's shard: the tables a page joins are matched on
    tenant_id too (core/fields.py), and every table read is filtered by it."""
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
    found = _unrouted(client, url.format(ref=c.reference, customer=w.customer.pk))
    assert found == [], "\n\n".join(found)


def test_every_foreign_key_between_tenant_tables_joins_on_tenant_id():
    """A new ForeignKey from one tenant table to another must be a TenantForeignKey, or its joins would
    leave the shard."""
    plain = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        if _has_tenant(m)
        for f in m._meta.local_fields
        if isinstance(f, models.ForeignKey)
        and f.name != "tenant"
        and _has_tenant(f.related_model)
        and not isinstance(f, TenantForeignKey | TenantOneToOneField)
    ]
    assert plain == [], "use querela.core.fields.TenantForeignKey for: " + ", ".join(plain)


def _has_tenant(model) -> bool:
    return any(f.name == "tenant" for f in model._meta.concrete_fields)


@pytest.mark.django_db
def test_a_join_across_tenants_finds_nothing(world):
    """The join's tenant condition is real: a row pointing at another tenant's customer (which the services
    never write) is not joined to it."""
    a, b = world.a, world.b
    with tenancy.tenant_scope(a.tenant):
        c = complaint_register(
            actor=a.actor("agent"), channel="phone", subject="s", description="d", customer=a.customer
        )
    with tenancy.dangerously_all_tenants():
        Complaint.objects.filter(pk=c.pk).update(customer_id=b.customer.pk)
    with tenancy.tenant_scope(a.tenant):
        assert Complaint.objects.filter(pk=c.pk, customer__name=b.customer.name).count() == 0
        assert Complaint.objects.filter(pk=c.pk, customer__isnull=False).count() == 1  # the id is there
