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


class PeriodicClaim(models.Model):
    """One row per periodic job and period: the first worker to insert it runs the job for that period.

    Every Huey consumer runs the scheduler, so with M consumers each periodic job is enqueued M times a
    period; the unique row makes it run once (`core.periodic.periodic_job`). Not tenant-owned: a job spans
    tenants. Rows older than a few days are deleted as new ones are claimed."""

    name = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    # host:pid of the worker that claimed it, for the operator reading the table.
    worker = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="periodic_claim_once")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_start:%Y-%m-%d %H:%M}"
