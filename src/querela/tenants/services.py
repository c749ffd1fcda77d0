"""Writes of tenants, departments and staff roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed

from .access import Actor, is_platform_operator, memberships_of, require
from .models import Department, Membership, PlatformOperator, Tenant
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
    if Department.objects.filter(code=code).exists():
        raise ValidationFailed(_("A department with this code already exists."), code="duplicate")
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


# Checks for settings whose valid values live in an app above this one (deadline policies), registered
# by that app at start-up.
_SETTING_CHECKS: dict[str, Callable[[Tenant, Any], object]] = {}


def register_setting_check(name: str, check: Callable[[Tenant, Any], object]) -> None:
    _SETTING_CHECKS[name] = check


SETTINGS_FIELDS = (
    "default_language",
    "time_zone",
    "deadline_policy",
    "reminder_working_days",
    "max_attachment_bytes",
    "allowed_attachment_types",
    "closures",
    "extra_working_days",
    "answer_footer",
    "extension_needs_approval",
)


def tenant_configure(*, actor: Actor, **fields: Any) -> Tenant:
    """A tenant administrator changes the supplier's own settings; one before/after pair per field."""
    require(actor, "tenant.configure")
    assert actor.tenant is not None  # require() passed: a tenant role
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(_("These settings cannot be changed here: %s") % ", ".join(sorted(unknown)))
    for name, check in _SETTING_CHECKS.items():
        if name in fields:
            check(actor.tenant, fields[name])  # raises ValidationFailed with a message
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=actor.tenant.pk)
        changes = {k: [getattr(tenant, k), v] for k, v in fields.items() if getattr(tenant, k) != v}
        for k, v in fields.items():
            setattr(tenant, k, v)
        try:
            tenant.full_clean()
        except ValidationError as exc:
            raise ValidationFailed("; ".join(" ".join(v) for v in exc.message_dict.values())) from exc
        if not changes:
            return tenant
        tenant.save()
        audit_record(
            actor=actor, action="tenant.configure", object_type="tenant", object_id=tenant.code, changes=changes
        )
    return tenant


def membership_set(
    *,
    actor: Actor,
    username: str,
    role: str,
    department_id: int | None = None,
    email: str = "",
    full_name: str = "",
    password: str = "",
) -> Membership:
    """Give a person a role in the active tenant (or change it); a new person gets an account first."""
    require(actor, "staff.manage")
    if role not in Role.values or role == Role.PLATFORM_OPERATOR:
        raise ValidationFailed(_("Unknown role."))
    if department_id is not None and not Department.objects.filter(pk=department_id).exists():
        # The scoped manager only sees this tenant's: another tenant's department is unknown here.
        raise ValidationFailed(_("Unknown department."), code="unknown_department", field="department")
    User = get_user_model()
    username = username.strip()
    if username == getattr(actor.user, "username", None) and role != actor.role:
        raise ValidationFailed(_("You cannot change your own role."), code="self")
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        created = user is None
        email_change = None
        if user is not None:
            _may_join(actor.tenant, user)
            email_change = _existing_account_fields(actor, user, email=email.strip(), password=password)
        if user is None:
            if len(password) < 10:
                raise ValidationFailed(
                    _("A new person needs an initial password of at least 10 characters."), code="password"
                )
            try:
                validate_password(password, User(username=username, email=email))
            except DjangoValidationError as exc:
                raise ValidationFailed(" ".join(exc.messages), code="password") from exc
            first, _sep, last = full_name.strip().partition(" ")
            user = User.objects.create_user(username, email.strip(), password, first_name=first, last_name=last)
        membership = Membership.objects.select_for_update().filter(user=user).first()
        before = membership.role if membership else None
        if before == Role.TENANT_ADMIN and role != Role.TENANT_ADMIN:
            _keep_an_administrator(membership)
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
            changes={
                "role": [before, role],
                "department": department_id,
                "new_account": created,
                **({"email": email_change} if email_change else {}),
            },
        )
    return membership


def _existing_account_fields(actor: Actor, user: Any, *, email: str, password: str) -> list[str] | None:
    """What the form says of an existing person's account besides the role, never silently dropped: a
    password is the person's own to change (the sign-in page's "Forgot your password?"); an e-mail address
    may be given to an account that works for this supplier alone (the unlock and new-password links go
    there), not to one shared with other suppliers or the platform operator. The before/after when changed."""
    if password:
        raise ValidationFailed(
            _("An existing person's password is not set here: they choose a new one with “Forgot your password?”."),
            code="password",
            field="password",
        )
    if not email or email.casefold() == (user.email or "").casefold():
        return None
    others = [m for m in memberships_of(user) if m.tenant_id != tenancy.current_tenant().pk]
    if others or is_platform_operator(user):
        raise ValidationFailed(
            _("This account also works for another supplier: its e-mail address is not changed here."),
            code="email",
            field="email",
        )
    before = user.email
    user.email = email
    user.save(update_fields=["email"])
    return [before, email]


def membership_deactivate(*, actor: Actor, membership_id: int) -> Membership:
    """Take a person's role away in this tenant; their past work stays attributed to them."""
    require(actor, "staff.manage")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user").filter(pk=membership_id).first()
        if membership is None:
            raise ValidationFailed(_("Unknown staff member."))
        if membership.user_id == actor.user_id:
            raise ValidationFailed(_("You cannot remove your own administrator role."), code="self")
        if membership.role == Role.TENANT_ADMIN:
            _keep_an_administrator(membership)
        if membership.is_active:
            membership.is_active = False
            membership.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action="membership.deactivate",
                object_type="user",
                object_id=membership.user.username,
                changes={"active": [True, False]},
            )
    return membership


def _keep_an_administrator(leaving: Membership | None) -> None:
    """A supplier always keeps one active administrator: nobody else could repair its settings."""
    others = Membership.objects.filter(role=Role.TENANT_ADMIN, is_active=True)
    if leaving is not None:
        others = others.exclude(pk=leaving.pk)
    if not others.exists():
        raise ValidationFailed(_("The supplier must keep at least one administrator."), code="last_admin")


def _may_join(tenant: Any, user: Any) -> None:
    """An existing account joins this supplier only if it works for no other one, or for suppliers run by
    the same operator company (seeds 000, 003). Never the platform operator: that role is above tenants."""
    if PlatformOperator.objects.filter(user=user).exists():
        raise ValidationFailed(_("The platform operator cannot be a member of a supplier."), code="operator")
    with tenancy.dangerously_all_tenants():
        elsewhere = list(Membership.objects.filter(user=user).exclude(tenant=tenant).select_related("tenant"))
    if any(tenant.operator_id is None or m.tenant.operator_id != tenant.operator_id for m in elsewhere):
        raise ValidationFailed(
            _("This account belongs to another supplier: create a new account for this person."), code="elsewhere"
        )
