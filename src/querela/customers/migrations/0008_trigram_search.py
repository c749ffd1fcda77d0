"""Trigram indexes for the agent's search on PostgreSQL (a million customers: "contains" and "starts
with" served by an index, tenant first). SQLite, the embedded default, scans: it holds one supplier's
demo, not a million customers."""

from django.db import migrations

INDEXES = [
    ("customer_tenant_search_trgm", "customers_customer", "search_key gin_trgm_ops"),
    ("customer_tenant_number_trgm", "customers_customer", "UPPER(customer_number::text) gin_trgm_ops"),
    ("place_tenant_search_trgm", "customers_consumptionplace", "search_key gin_trgm_ops"),
    ("meter_tenant_serial_trgm", "customers_meter", "UPPER(serial::text) gin_trgm_ops"),
]
# A name typed from its start: a B-tree range scan that stops at the first page of results.
PREFIX = ("customer_tenant_search_prefix", "customers_customer", "search_key varchar_pattern_ops")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")  # the tenant column in a GIN index
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (tenant_id, {expression})")
    name, table, expression = PREFIX
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (tenant_id, {expression})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in [*INDEXES, PREFIX]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_handed_in_channel")]
    operations = [migrations.RunPython(forwards, backwards)]
