"""A second wall between tenants: PostgreSQL row-level security on every table with a `tenant_id`.

The first wall is the ORM (`TenantModel.objects` filters by the active tenant and refuses to run with
none). This one is in the database, for the query that forgot: raw SQL, a new manager, a report written
in a hurry. Every tenant table gets a policy that lets a statement see and write only rows of the tenant
the connection was told (`querela.tenant_id`), or every row when the code entered the deliberately named
platform scope (`querela.all_tenants`); told nothing, a statement sees nothing.

The connection is told by the database backend (`core/postgresql/base.py`) before the first statement
whose tenant differs from the last one it told — one `set_config` when a request or job enters its
tenant, none for the statements after it, and again after a rollback (which undoes it). Session-level
rather than `SET LOCAL`: outside `atomic()` Django runs each statement in its own transaction, where a
local setting would be gone before the next one. So a pooler in front of PostgreSQL must keep a
connection to one client per session (PgBouncer's session mode), which Django's own persistent
connections do.

The policies apply to the tables' owner too (FORCE); a superuser bypasses them all, so the application
must connect as an ordinary role (the PostgreSQL test suite does). `post_migrate` puts a policy on every
tenant table that lacks one, so a table added by a later migration is walled in the same run.
"""

from __future__ import annotations

from typing import Any

from . import tenancy

POLICY = "querela_tenant_wall"
# PostgreSQL uses an index for a condition ahead of a row-level policy only when the condition's function
# is leakproof; these, which Querela's case-insensitive lookups and searches use, are not marked so in a
# stock installation. They return a value computed from their arguments and raise no error that depends on
# a row's data; a superuser marks them once per database (`scripts/pg_app_role.py`, docs/deployment.md).
LEAKPROOF_NEEDED = ("upper(text)", "textlike(text,text)", "ts_match_vq(tsvector,tsquery)")
TENANT_SETTING = "querela.tenant_id"
ALL_SETTING = "querela.all_tenants"

_CONDITION = (
    f"current_setting('{ALL_SETTING}', true) = 'on'"
    f" OR tenant_id = nullif(current_setting('{TENANT_SETTING}', true), '')::bigint"
)


def wanted() -> tuple[str, str]:
    """What the connection must be told for the code running now: (tenant id or "", "on" or "off")."""
    tenant = tenancy.current_tenant_or_none()
    if tenant is not None:
        return str(tenant.pk), "off"
    return "", "on" if tenancy.in_platform_scope() else "off"


def tell(cursor: Any, want: tuple[str, str]) -> None:
    cursor.execute(
        f"SELECT set_config('{TENANT_SETTING}', %s, false), set_config('{ALL_SETTING}', %s, false)", list(want)
    )


def unwalled_tables(connection: Any) -> list[str]:
    """Tables of the current schema with a tenant_id column and no policy yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'"
            " AND t.table_type = 'BASE TABLE'"
            " AND NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = c.table_schema"
            " AND p.tablename = c.table_name AND p.policyname = %s)"
            " ORDER BY 1",
            [POLICY],
        )
        return [row[0] for row in cursor.fetchall()]


def wall_in(connection: Any) -> list[str]:
    """Put the policy on every tenant table that lacks it; the tables walled in now."""
    tables = unwalled_tables(connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {quote(table)} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"CREATE POLICY {POLICY} ON {quote(table)} USING ({_CONDITION}) WITH CHECK ({_CONDITION})")
    return tables


def take_down(connection: Any) -> list[str]:
    """Remove the policies (`QUERELA_ROW_SECURITY=0`); the tables they were on."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = %s", [POLICY]
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"DROP POLICY {POLICY} ON {quote(table)}")
            cursor.execute(f"ALTER TABLE {quote(table)} NO FORCE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE ROW LEVEL SECURITY")
    return tables


def not_leakproof(connection: Any) -> list[str]:
    """The functions of LEAKPROOF_NEEDED this database has not marked: their indexes go unused."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f FROM unnest(%s::text[]) AS f WHERE NOT (SELECT proleakproof FROM pg_proc"
            " WHERE oid = ('pg_catalog.' || f)::regprocedure)",
            [list(LEAKPROOF_NEEDED)],
        )
        return [row[0] for row in cursor.fetchall()]


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql" or getattr(sender, "name", "") != "querela.core":
        return
    with tenancy.dangerously_all_tenants():
        if not settings.QUERELA.get("ROW_SECURITY", True):
            take_down(connection)
            return
        wall_in(connection)
        missing = not_leakproof(connection)
    if missing and kwargs.get("verbosity", 1):
        print(
            "Row-level security is on, but PostgreSQL will not use the indexes of case-insensitive lookups and"
            f" searches until a superuser marks {', '.join(missing)} LEAKPROOF (docs/deployment.md)."
        )
