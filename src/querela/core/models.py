"""The base of every tenant-owned table."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from .errors import TenantNotActive
from .tenancy import current_tenant_or_none, in_platform_scope

M = TypeVar("M", bound="TenantModel")


class TenantManager(models.Manager[M]):
    """Filters by the active tenant; refuses to run with none active (outside platform scope)."""

    def get_queryset(self) -> models.QuerySet[M]:
        qs = super().get_queryset()
        tenant = current_tenant_or_none()
        if tenant is not None:
            return qs.filter(tenant_id=tenant.pk)
        if in_platform_scope():
            return qs
        raise TenantNotActive(f"{self.model.__name__} queried with no tenant in scope.")


class TenantModel(models.Model):
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="+")

    objects: TenantManager[Any] = TenantManager()

    class Meta:
        abstract = True
        # Related-object access (complaint.customer) must not bypass the tenant check either.
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        tenant = current_tenant_or_none()
        if tenant is None and not in_platform_scope():
            raise TenantNotActive(f"{type(self).__name__} saved with no tenant in scope.")
        if tenant is not None:
            if self.tenant_id is None:
                self.tenant = tenant
            elif self.tenant_id != tenant.pk:
                raise TenantNotActive(f"{type(self).__name__} belongs to another tenant.")
        super().save(*args, **kwargs)
