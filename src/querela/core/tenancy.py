"""The active tenant, carried in a context variable.

Every tenant-owned query reads it (see `TenantModel.objects`): a view, API call, CLI command or task
that forgot to enter a tenant gets an exception instead of another tenant's rows.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from .errors import TenantNotActive

if TYPE_CHECKING:
    from querela.tenants.models import Tenant

_active: contextvars.ContextVar[Tenant | None] = contextvars.ContextVar("querela_tenant", default=None)
# Platform scope: deliberately named, for the few places that must see every tenant
# (the deadline sweep's fan-out, platform operator pages, migrations of data, audit verify).
_platform: contextvars.ContextVar[bool] = contextvars.ContextVar("querela_platform", default=False)


def current_tenant() -> Tenant:
    tenant = _active.get()
    if tenant is None:
        raise TenantNotActive("No tenant is active: enter `tenant_scope(tenant)` first.")
    return tenant


def current_tenant_or_none() -> Tenant | None:
    return _active.get()


def in_platform_scope() -> bool:
    return _platform.get()


@contextmanager
def tenant_scope(tenant: Tenant) -> Iterator[Tenant]:
    token = _active.set(tenant)
    platform_token = _platform.set(False)
    try:
        yield tenant
    finally:
        _platform.reset(platform_token)
        _active.reset(token)


@contextmanager
def request_scope() -> Iterator[None]:
    """Around one web or API request: whatever tenant and time zone the request enters end with it."""
    token = _active.set(None)
    try:
        yield
    finally:
        timezone.deactivate()
        _active.reset(token)


def enter_for_request(tenant: Tenant) -> None:
    """The one way pages and API enter the tenant a request is for (inside `request_scope`): its rows,
    and its clock — templates show stored UTC times in the tenant's zone, and forms read typed times
    in it (a letter received at 23:30 in Budapest on 1 December is 1 December)."""
    _active.set(tenant)
    timezone.activate(ZoneInfo(tenant.time_zone))


@contextmanager
def dangerously_all_tenants() -> Iterator[None]:
    """See every tenant's rows. Only platform-level code may use this; grep for it in review."""
    token = _platform.set(True)
    active_token = _active.set(None)
    try:
        yield
    finally:
        _active.reset(active_token)
        _platform.reset(token)
