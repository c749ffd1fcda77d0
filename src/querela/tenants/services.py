"""Writes of tenants, departments and staff roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed

from .access import Actor, require
from .models import Department, Membership, Tenant
from .roles import Role

TENANT_FIELDS = ("name", "code", "country", "sector", "default_language", "time_zone", "mailbox", "deadline_policy")


def tenant_create(*, actor: Actor, **fields: Any) -> Tenant:
    """Platform operators add a supplier; its audit chain starts with its own creation."""
    require(actor, "platform.manage_tenants")
    tenant = Tenant(**{k: fields[k] for k in TENANT_FIELDS if k in fields})
    try:
        tenant.full_clean()
    except ValidationError as exc:
        raise ValidationFailed("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    with transaction.atomic():
        tenant.save()
        with tenancy.tenant_scope(tenant):
            audit_record(
                actor=actor,
                action="tenant.create",
                object_type="tenant",
                object_id=tenant.code,
                changes={k: [None, getattr(tenant, k)] for k in TENANT_FIELDS},
            )
    return tenant


def department_create(*, actor: Actor, code: str, name: str) -> Department:
    require(actor, "department.manage")
    with transaction.atomic():
        dept = Department.objects.create(code=code, name=name)
        audit_record(
            actor=actor,
            action="department.create",
            object_type="department",
            object_id=code,
            changes={"name": [None, name]},
        )
    return dept


def membership_set(*, actor: Actor, username: str, role: str, department_id: int | None = None) -> Membership:
    """Give a person a role in the active tenant (or change it)."""
    require(actor, "staff.manage")
    if role not in Role.values or role == Role.PLATFORM_OPERATOR:
        raise ValidationFailed(_("Unknown role."))
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationFailed(_("No user with this name."))
    with transaction.atomic():
        membership = Membership.objects.filter(user=user).first()
        before = membership.role if membership else None
        if membership is None:
            membership = Membership(user=user)
        membership.role = role
        membership.department_id = department_id
        membership.is_active = True
        membership.save()
        audit_record(
            actor=actor,
            action="membership.set",
            object_type="user",
            object_id=username,
            changes={"role": [before, role]},
        )
    return membership
