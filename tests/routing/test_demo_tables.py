"""Each demo supplier routes by its own rules: every case of its test table (demo/data.py ROUTING_TABLES) is
registered as a real complaint and lands in the department the table says; the demo's own complaints were
routed as they were registered."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.core import tenancy
from querela.customers.models import ConsumptionPlace, Customer
from querela.demo.data import ROUTING_RULES, ROUTING_TABLES, TENANTS
from querela.demo.seed import seed_demo
from querela.routing.models import RoutingRule
from querela.tenants.access import actor_for
from querela.tenants.models import Department, Tenant

pytestmark = pytest.mark.django_db

SERVICE = {str(t["code"]): str(t["service"]) for t in TENANTS}


def test_every_demo_supplier_has_rules_and_a_table():
    assert set(ROUTING_RULES) == set(ROUTING_TABLES) == set(SERVICE)


@pytest.mark.parametrize("code", sorted(ROUTING_TABLES))
def test_the_demo_suppliers_table(code):
    assert seed_demo(progress=False)
    tenant = Tenant.objects.get(code=code)
    with tenancy.tenant_scope(tenant):
        assert list(RoutingRule.objects.values_list("name", flat=True)) == [r[0] for r in ROUTING_RULES[code]]
        # The demo's complaints were registered after the rules: routed, and audited as such.
        assert Complaint.objects.exclude(department=None).exists()
        assert AuditEvent.objects.filter(action="complaint.route").exists()
        agent = actor_for(get_user_model().objects.get(username=f"{code.lower()}.agent"), tenant)
        assert agent is not None
        codes = dict(Department.objects.values_list("pk", "code"))
        for n, (facts, expected) in enumerate(ROUTING_TABLES[code]):
            customer = Customer.objects.create(
                customer_number=f"ROUTE-{n}", name=f"Routing Case {n}", email=f"case{n}@example.test"
            )
            place = ConsumptionPlace.objects.create(
                customer=customer,
                address="Fő utca 1.",
                postal_code="1000",
                city="City",
                region=facts.get("region", ""),
                service_type=facts.get("service_type") or SERVICE[code],
            )
            c = complaint_register(
                actor=agent,
                channel=facts.get("channel", "email"),
                subject=f"Case {n}",
                description="Routing table case.",
                kind=facts.get("kind", "complaint"),
                category=facts["category"],
                customer=customer,
                place=place,
            )
            assert codes.get(c.department_id, "") == expected, (code, facts)
