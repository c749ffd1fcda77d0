"""Builders for test data: two suppliers with staff of every role, customers, places and meters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from querela.core import tenancy
from querela.customers.models import ConsumptionPlace, Customer, Meter
from querela.tenants.access import Actor
from querela.tenants.models import Department, Membership, Tenant

ROLES = ["consumer", "agent", "clerk", "handler", "supervisor", "tenant_admin", "dpo"]
PASSWORD = "correct-horse-battery"
# In CI, or when a PostgreSQL test database is configured, the server suites are mandatory (fail, never skip).
IN_CI = os.environ.get("CI") == "true" or bool(os.environ.get("QUERELA_TEST_DATABASE_URL"))


@dataclass
class TenantWorld:
    tenant: Tenant
    users: dict[str, Any] = field(default_factory=dict)
    customer: Customer | None = None
    place: ConsumptionPlace | None = None
    other_customer: Customer | None = None
    department: Department | None = None

    def actor(self, role: str) -> Actor:
        if role == "platform_operator":
            return Actor(user=get_user_model().objects.get(username="platform"), tenant=self.tenant, role=role)
        with tenancy.tenant_scope(self.tenant):
            m = Membership.objects.get(user=self.users[role])
        return Actor(user=self.users[role], tenant=self.tenant, role=role, ip="127.0.0.1", membership_id=m.pk)


@dataclass
class World:
    a: TenantWorld
    b: TenantWorld

    def __iter__(self) -> Iterator[TenantWorld]:
        return iter((self.a, self.b))


def make_tenant_world(
    code: str, *, country: str = "HU", policy: str = "hu-electricity", tz: str = "Europe/Budapest"
) -> TenantWorld:
    tenant = Tenant.objects.create(
        name=f"Supplier {code}",
        code=code,
        country=country,
        sector="electricity",
        default_language="en",
        time_zone=tz,
        mailbox=f"{code.lower()}@complaints.querela.test",
        deadline_policy=policy,
    )
    w = TenantWorld(tenant=tenant)
    User = get_user_model()
    with tenancy.tenant_scope(tenant):
        w.department = Department.objects.create(code="billing", name="Billing")
        for role in ROLES:
            user = User.objects.create_user(f"{code.lower()}-{role}", f"{code.lower()}-{role}@example.test", PASSWORD)
            Membership.objects.create(user=user, role=role, department=w.department if role == "handler" else None)
            w.users[role] = user
        w.customer = Customer.objects.create(
            customer_number=f"{code}1000001",
            name=f"Kovács Anna {code}",
            email=f"anna@{code.lower()}.example",
            phone="+36 30 123 4567",
            user=w.users["consumer"],
        )
        w.place = ConsumptionPlace.objects.create(
            customer=w.customer,
            address="Petőfi utca 1.",
            postal_code="4024",
            city="Debrecen",
            region="Hajdú-Bihar",
            service_type="electricity",
        )
        Meter.objects.create(place=w.place, serial=f"{code}-METER-1")
        w.other_customer = Customer.objects.create(customer_number=f"{code}2000002", name=f"Nagy Béla {code}")
        ConsumptionPlace.objects.create(
            customer=w.other_customer,
            address="Kossuth tér 2.",
            postal_code="4400",
            city="Nyíregyháza",
            service_type="electricity",
        )
    return w


def skip_or_fail(message: str) -> None:
    """Real components are mandatory in CI; elsewhere their absence skips with what to install."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def policy_fields(definition: dict, **over: object) -> dict:
    """A deadline policy as the administrator's form posts it."""
    from querela.web.forms import PolicyForm

    values = PolicyForm.initial_from(definition)
    data: dict = {}
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(over)
    return data
