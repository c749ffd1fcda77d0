"""Foreign keys between two tenant-owned tables whose joins also match `tenant_id`.

The ORM joins a related table on its id alone (`complaint.customer_id = customer.id`). On one database that
is enough, but once tenant tables are distributed by tenant_id (Citus) such a join cannot be sent to one
shard: the customer table itself is not pinned to the tenant. These fields add `customer.tenant_id =
complaint.tenant_id` to every join they make (select_related, filters across the relation, both
directions), which changes no result — both rows belong to one tenant — and lets the planner keep the
statement on the tenant's shard (`ops/shard_routing.py` checks the hot pages).

The schema is unchanged: they deconstruct as Django's own fields, so no migration mentions them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import Exact
from django.db.models.sql.where import WhereNode


def _same_tenant(field: models.ForeignKey[Any, Any], alias: str | None, related_alias: str | None) -> Any:
    # Django asks with one alias missing when it pushes an exclude() across the relation down into a
    # subquery; the subquery is filtered by the outer row's id there, so nothing is lost by adding nothing.
    if alias is None or related_alias is None:
        return None
    target = field.remote_field.model._meta.get_field("tenant")
    local = field.model._meta.get_field("tenant")
    same: Any = Exact(target.get_col(alias), local.get_col(related_alias))  # type: ignore[union-attr]
    return WhereNode([same])


class TenantForeignKey(models.ForeignKey):  # type: ignore[type-arg]
    """A ForeignKey from one tenant-owned model to another (both carry `tenant`)."""

    def get_extra_restriction(self, alias: str | None, related_alias: str | None) -> Any:
        return _same_tenant(self, alias, related_alias)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


class TenantOneToOneField(models.OneToOneField):  # type: ignore[type-arg]
    """A OneToOneField from one tenant-owned model to another."""

    def get_extra_restriction(self, alias: str | None, related_alias: str | None) -> Any:
        return _same_tenant(self, alias, related_alias)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.OneToOneField", args, kwargs
