"""Is the PostgreSQL schema ready to be distributed by tenant (Citus)? And the SQL that makes it so.

Citus distributes a table by one column (here `tenant_id`) and then needs that column in the table's primary
key, in every unique constraint, and in every foreign key between distributed tables, so that each row and
each join stays on one shard. Django keeps `id` as the key the ORM knows; the database's constraints are
what Citus reads. `problems()` reads the live catalogue and names every table or constraint that would not
route to one shard; `plan()` writes the SQL that fixes what can be fixed mechanically:

- the primary key becomes `(tenant_id, id)`;
- a unique constraint without `tenant_id` gets it in front (e.g. an API token's key: unique per tenant);
- a foreign key to another tenant table becomes `(tenant_id, x_id) → (tenant_id, id)`, deferrable like
  Django's, with `ON DELETE` left to the application as Django does.

Tables without `tenant_id` (tenants, users, sessions, content types, periodic claims) are reference tables:
copied to every node. What `plan()` cannot fix is reported, not guessed: a nullable `tenant_id` (the audit
log keeps the platform's own events with none). Run `plan()`'s SQL after each `migrate` on a Citus
coordinator, then `create_distributed_table` / `create_reference_table` (docs/deployment.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

TENANT = "tenant_id"


@dataclass(frozen=True)
class Constraint:
    table: str
    name: str
    kind: str  # p (primary key), u (unique), f (foreign key)
    columns: tuple[str, ...]
    target: str = ""  # for a foreign key: the referenced table
    target_columns: tuple[str, ...] = ()


def _rows(sql: str, params: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def tables() -> list[str]:
    return [str(t) for (t,) in _rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def tenant_tables() -> dict[str, bool]:
    """Tables with a tenant_id column, and whether it may be NULL."""
    rows = _rows(
        "SELECT table_name, is_nullable = 'YES' FROM information_schema.columns"
        " WHERE table_schema = 'public' AND column_name = %s",
        (TENANT,),
    )
    return {str(t): bool(nullable) for t, nullable in rows}


def constraints() -> list[Constraint]:
    rows = _rows(
        """
        SELECT rel.relname, con.conname, con.contype,
               ARRAY(SELECT att.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
                     JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.num ORDER BY k.ord),
               COALESCE(frel.relname, ''),
               ARRAY(SELECT att.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
                     JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.num ORDER BY k.ord)
        FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = 'public'
        LEFT JOIN pg_class frel ON frel.oid = con.confrelid
        WHERE con.contype IN ('p', 'u', 'f')
        ORDER BY rel.relname, con.conname
        """
    )
    return [Constraint(str(t), str(n), str(k), tuple(c or ()), str(ft), tuple(fc or ())) for t, n, k, c, ft, fc in rows]


def unique_indexes() -> list[tuple[str, str, str]]:
    """Unique indexes that are not constraints (Django's UniqueConstraint with an expression): table, name,
    definition."""
    rows = _rows(
        """
        SELECT t.relname, i.relname, pg_get_indexdef(ix.indexrelid)
        FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = 'public'
        WHERE ix.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
        """
    )
    return [(str(t), str(n), str(d)) for t, n, d in rows]


def problems() -> list[str]:
    """Every table or constraint that would keep the schema from being distributed by tenant_id."""
    owned = tenant_tables()
    out = [f"{t}: tenant_id may be NULL (a distributed row needs its tenant)" for t, null in owned.items() if null]
    for c in constraints():
        if c.table not in owned:
            if c.kind == "f" and c.target in owned:
                out.append(f"{c.table}.{c.name}: a reference table points into tenant table {c.target}")
            continue
        if c.kind == "p" and (not c.columns or c.columns[0] != TENANT):
            out.append(f"{c.table}: primary key {c.columns} does not start with tenant_id")
        elif c.kind == "u" and TENANT not in c.columns:
            out.append(f"{c.table}.{c.name}: unique {c.columns} without tenant_id")
        elif c.kind == "f" and c.target in owned and (TENANT not in c.columns or TENANT not in c.target_columns):
            out.append(f"{c.table}.{c.name}: foreign key {c.columns} → {c.target} without tenant_id")
    for table, name, definition in unique_indexes():
        if table in owned and TENANT not in definition:
            out.append(f"{table}.{name}: unique index without tenant_id")
    return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def plan() -> list[str]:
    """The SQL that makes the tenant tables distributable (idempotent: run again, it writes nothing new).
    Foreign keys first go, then keys change, then the foreign keys come back with tenant_id."""
    owned = tenant_tables()
    all_constraints = constraints()
    drop_fk, keys, add_fk = [], [], []
    for c in all_constraints:
        if c.table not in owned:
            continue
        if c.kind == "f" and c.target in owned and TENANT not in c.columns:
            drop_fk.append(f"ALTER TABLE {_q(c.table)} DROP CONSTRAINT {_q(c.name)};")
            add_fk.append(
                f"ALTER TABLE {_q(c.table)} ADD CONSTRAINT {_q(c.name[:50] + '_tenant')} FOREIGN KEY"
                f" ({TENANT}, {', '.join(map(_q, c.columns))}) REFERENCES {_q(c.target)}"
                f" ({TENANT}, {', '.join(map(_q, c.target_columns))}) DEFERRABLE INITIALLY DEFERRED;"
            )
        elif c.kind == "p" and c.columns and c.columns[0] != TENANT:
            keys.append(f"ALTER TABLE {_q(c.table)} DROP CONSTRAINT {_q(c.name)};")
            columns = ", ".join(map(_q, (TENANT, *[x for x in c.columns if x != TENANT])))
            keys.append(f"ALTER TABLE {_q(c.table)} ADD PRIMARY KEY ({columns});")
        elif c.kind == "u" and TENANT not in c.columns:
            keys.append(f"ALTER TABLE {_q(c.table)} DROP CONSTRAINT {_q(c.name)};")
            columns = ", ".join(map(_q, (TENANT, *c.columns)))
            keys.append(f"ALTER TABLE {_q(c.table)} ADD CONSTRAINT {_q(c.name[:50] + '_tenant')} UNIQUE ({columns});")
    # Referenced keys must exist before the new foreign keys: a table whose (tenant_id, id) is the primary key
    # already qualifies; one still keyed by id alone gets it above.
    return drop_fk + keys + add_fk


def distribution() -> list[str]:
    """The Citus calls, after `plan()`: tenant tables co-located by tenant_id, the rest as reference tables."""
    owned = tenant_tables()
    out = [f"SELECT create_reference_table('{t}');" for t in tables() if t not in owned]
    first = next(iter(sorted(t for t, null in owned.items() if not null)), "")
    for t in sorted(owned):
        if not owned[t]:
            colocate = "default" if t == first else first
            out.append(f"SELECT create_distributed_table('{t}', '{TENANT}', colocate_with => '{colocate}');")
    return out
