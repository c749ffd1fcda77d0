"""Suppliers that existed before the quality review start with the default checklist (new ones get it when
they are created: `apps._new_tenant`)."""

from django.db import migrations

# The presets as they were when this ran (checklist.DEFAULT_ITEMS may grow later; the seed adds what is missing).
PRESETS = ("reply_channel", "reasons", "remedies", "on_time", "language", "greeting")


def seed(apps, schema_editor):
    Tenant = apps.get_model("tenants", "Tenant")
    Item = apps.get_model("supervision", "QualityCheckItem")
    rows = []
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        have = set(Item._base_manager.filter(tenant_id=tenant_id).values_list("preset", flat=True))
        rows += [
            Item(tenant_id=tenant_id, preset=code, position=(i + 1) * 10)
            for i, code in enumerate(PRESETS)
            if code not in have
        ]
    Item._base_manager.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
