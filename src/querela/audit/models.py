"""Append-only audit log. The app offers no way to change or delete a row.

An event is written with the caller's change, carrying its own keyed content MAC and no lock. A sealing
job (audit/sealing.py) later gives each tenant's events their place: a gapless `seq` and a keyed chain MAC
linking it to the previous one, and anchors each sealed head outside the database (audit/anchors.py)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AuditImmutable(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutable("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditImmutable("Audit events cannot be deleted.")


class AuditManager(models.Manager["AuditEvent"]):
    def get_queryset(self) -> models.QuerySet[AuditEvent]:
        return AuditQuerySet(self.model, using=self._db).filter(**_scope_filter(self.model))


def _scope_filter(model: Any) -> dict[str, Any]:
    from querela.core.errors import TenantNotActive
    from querela.core.tenancy import current_tenant_or_none, in_platform_scope

    tenant = current_tenant_or_none()
    if tenant is not None:
        return {"tenant_id": tenant.pk}
    if in_platform_scope():
        return {}
    raise TenantNotActive(f"{model.__name__} queried with no tenant in scope.")


class AuditChainHead(models.Model):
    """The last sealed link of each tenant's chain; only the sealing job takes its row lock."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.PROTECT, primary_key=True, related_name="+")
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain {self.tenant_id}@{self.seq}"


class AuditEvent(models.Model):
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField(null=True)  # given by the sealing job; None until then
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=30)
    ip = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    changes = models.JSONField(default=dict)
    content_mac = models.CharField(max_length=64, default="")  # keyed MAC of the fields above, written with the event
    prev_hash = models.CharField(max_length=64, blank=True)  # chain MAC of the event before; set when sealed
    hash = models.CharField(max_length=64, blank=True)  # chain MAC of this event; set when sealed

    objects = AuditManager()

    class Meta:
        base_manager_name = "objects"
        constraints = [models.UniqueConstraint(fields=["tenant", "seq"], name="audit_seq_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "object_type", "object_id"], name="audit_tenant_object"),
            models.Index(fields=["tenant", "at"], name="audit_tenant_at"),
            # What the sealing job reads: a tenant's unsealed events in the order they were written.
            models.Index(fields=["tenant", "id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
        ]
        ordering = ["tenant_id", "id"]

    def __str__(self) -> str:
        return f"{self.tenant_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutable("Audit events cannot be deleted.")


class AuditSeal(models.Model):
    """One sealing batch of a tenant's chain: which events it covered and the head it left. The same
    line goes to the anchor outside the database, so a rewritten database no longer matches it."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="+")
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    sealed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["tenant", "last_seq"], name="audit_seal_tenant_last")]

    def __str__(self) -> str:
        return f"seal {self.tenant_id} {self.first_seq}..{self.last_seq}"
