"""Departments, handlers, rules and complaints for the routing tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.routing.models import RoutingRule
from querela.routing.services import rule_create
from querela.tenants.models import Department, Membership
from tests.factories import PASSWORD, TenantWorld


def department(code: str, name: str = "") -> Department:
    return Department.objects.get_or_create(code=code, defaults={"name": name or code.capitalize()})[0]


def handler(w: TenantWorld, username: str, dept: Department | None, role: str = "handler") -> Any:
    user = get_user_model().objects.create_user(
        f"{w.tenant.code.lower()}-{username}", f"{username}@example.test", PASSWORD, first_name=username.capitalize()
    )
    Membership.objects.create(user=user, role=role, department=dept)
    return user


def rule(w: TenantWorld, dept: Department, **values: Any) -> RoutingRule:
    return rule_create(
        actor=w.actor("tenant_admin"),
        values={"name": values.pop("name", "Rule"), "department_id": dept.pk, **values},
    )


def register(w: TenantWorld, category: str = "billing", **kw: Any) -> Complaint:
    kw.setdefault("channel", "email")
    kw.setdefault("customer", w.customer)
    kw.setdefault("place", w.place)
    return complaint_register(
        actor=w.actor("agent"),
        subject=kw.pop("subject", "Számla"),
        description=kw.pop("description", "Magas."),
        category=category,
        **kw,
    )
