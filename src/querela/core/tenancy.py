"""The active tenant, carried in a context variable.

Every tenant-owned query reads it (see `TenantModel.objects`): a view, API call, CLI command or task
that forgot to enter a tenant gets an exception instead of another tenant's rows.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

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
def dangerously_all_tenants() -> Iterator[None]:
    """See every tenant's rows. Only platform-level code may use this; grep for it in review."""
    token = _platform.set(True)
    active_token = _active.set(None)
    try:
        yield
    finally:
        _active.reset(active_token)
        _platform.reset(token)
