"""Foreign keys written in the distributed schema's form once the database has it.

After `querela sharding apply` a tenant table is keyed by `(tenant_id, id)` and `id` alone is no longer
unique, so a foreign key as Django writes it (`customer_id → customer.id`) cannot be created: a later
migration adding or changing one would fail. When the referenced table's primary key already starts with
tenant_id, and the referring table carries tenant_id too, the key is written as the plan writes it —
`(tenant_id, customer_id) → (tenant_id, id)`; otherwise exactly as Django does. Dropping a key finds either
form.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.ddl_references import Columns, Statement
from django.db.backends.postgresql.schema import DatabaseSchemaEditor as _Base

TENANT = "tenant_id"


def _has_tenant(model: Any) -> bool:
    return any(f.column == TENANT for f in model._meta.local_concrete_fields)


class DatabaseSchemaEditor(_Base):
    # Every new foreign key goes through _create_fk_sql (Django would add one inline with its column),
    # so that the one place below decides its form.
    sql_create_column_inline_fk = None  # type: ignore[assignment]

    def _keyed_by_tenant(self, table: str) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a"
                " ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                " WHERE c.conrelid = to_regclass(%s) AND c.contype = 'p'",
                [self.quote_name(table)],
            )
            row = cursor.fetchone()
        return bool(row and row[0] == TENANT)

    def _create_fk_sql(self, model: Any, field: Any, suffix: str) -> Statement:
        statement: Statement = super()._create_fk_sql(model, field, suffix)  # type: ignore[misc]
        target = field.target_field.model
        to_table = target._meta.db_table
        if _has_tenant(model) and _has_tenant(target) and self._keyed_by_tenant(to_table):
            statement.parts["column"] = Columns(model._meta.db_table, [TENANT, field.column], self.quote_name)
            statement.parts["to_column"] = Columns(to_table, [TENANT, field.target_field.column], self.quote_name)
        return statement

    def _constraint_names(self, model: Any, column_names: list[str] | None = None, **kwargs: Any) -> list[str]:
        names: list[str] = super()._constraint_names(model, column_names, **kwargs)  # type: ignore[misc]
        if not names and kwargs.get("foreign_key") and column_names and TENANT not in column_names:
            names = super()._constraint_names(model, [TENANT, *column_names], **kwargs)  # type: ignore[misc]
        return names
