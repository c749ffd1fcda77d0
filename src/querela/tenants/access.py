"""Who is acting, in which tenant, and whether they may: the access layer every entry point uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from querela.core import tenancy
from querela.core.errors import PermissionDenied
from querela.core.ratelimit import client_address

from .models import Membership, PlatformOperator, Tenant
from .permissions import PERMISSIONS, RULES
from .roles import Role


@dataclass(frozen=True)
class Actor:
    """A user acting in one tenant with one role. `ip` is recorded in the audit log."""

    user: Any
    tenant: Tenant | None
    role: str
    ip: str = ""
    membership_id: int | None = None

    @property
    def label(self) -> str:
        """How the timeline names who did it: a person by name; automatic steps as "system" even when
        a person's action set them off (the audit log keeps that person)."""
        if self.role == "system":
            return str(self.user.username) if isinstance(self.user, _SystemUser) else "system"
        full = self.user.get_full_name() if hasattr(self.user, "get_full_name") else ""
        return str(full or getattr(self.user, "username", "system"))

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


def system_actor(tenant: Tenant, *, label: str = "system") -> Actor:
    """The background worker and intake channels; never passes a role-guarded permission check."""
    return Actor(user=_SystemUser(label), tenant=tenant, role="system")


class _SystemUser:
    pk = None
    is_authenticated = True

    def __init__(self, username: str) -> None:
        self.username = username


def can(actor: Actor, action: str, obj: Any = None) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"Unknown action {action!r}: add it to the permission table.")
    return bool(RULES.test_rule(action, actor, obj))


def require(actor: Actor, action: str, obj: Any = None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def is_platform_operator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and PlatformOperator.objects.filter(user_id=user.pk).exists())


def memberships_of(user: AbstractBaseUser | AnonymousUser) -> list[Membership]:
    """Every tenant a person may act in; the one cross-tenant read a login needs."""
    if not user.is_authenticated:
        return []
    with tenancy.dangerously_all_tenants():
        return list(
            Membership.objects.filter(user_id=user.pk, is_active=True, tenant__is_active=True)
            .select_related("tenant")
            .order_by("tenant__code")
        )


def actor_for(user: Any, tenant: Tenant, *, ip: str = "") -> Actor | None:
    """The actor for a user in a tenant, or None when they hold no role there."""
    if not getattr(user, "is_authenticated", False):
        return None
    with tenancy.tenant_scope(tenant):
        membership = Membership.objects.filter(user_id=user.pk, is_active=True).first()
    if membership is not None:
        return Actor(user=user, tenant=tenant, role=membership.role, ip=ip, membership_id=membership.pk)
    if is_platform_operator(user):
        return Actor(user=user, tenant=tenant, role=Role.PLATFORM_OPERATOR, ip=ip)
    return None


def _not_found(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "404.html", status=404)


def resolve_request_tenant(request: HttpRequest, code: str) -> HttpResponse | None:
    """Enter the tenant named in the URL for this request, or refuse.

    An unknown tenant and a tenant the user has no role in answer the same 404, so tenant codes
    can't be probed. Anonymous users pass through, known tenant or not: the view's login check sends
    them to log in.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None  # before the tenant is looked up: anonymous visitors can't tell real codes from made-up ones
    tenant = Tenant.objects.filter(code=code.upper(), is_active=True).first()
    if tenant is None:
        return _not_found(request)
    actor = actor_for(user, tenant, ip=client_address(request))
    if actor is None:
        return _not_found(request)
    tenancy.enter_for_request(tenant)
    request.tenant = tenant  # type: ignore[attr-defined]
    request.actor = actor  # type: ignore[attr-defined]
    return None
