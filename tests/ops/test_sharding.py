"""The schema distributable by tenant (issue 15, item 3): `querela sharding check` names every table and
constraint that would not route to one shard; `sharding apply` makes every tenant table's primary key,
unique constraints and foreign keys carry tenant_id; the application runs unchanged on the result (the
demo is seeded on it). Citus itself is not in Debian's or PyPI's packages: its calls are printed."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch(tmp_path, request):
    pg_url = os.environ.get("QUERELA_TEST_DATABASE_URL", "")
    if not pg_url:
        pytest.skip("runs in the PostgreSQL suite: set QUERELA_TEST_DATABASE_URL (CI does)")
    import psycopg

    name = f"querela_shard_{secrets.token_hex(4)}"
    parts = urlsplit(pg_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "querela.settings.embedded",
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
        "QUERELA_VAR_DIR": str(tmp_path),
    }
    env.pop("QUERELA_TEST_DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    extra = getattr(request, "param", None)
    if extra:  # a later app, migrated after the plan: its settings and package in tmp_path
        env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
        env["DJANGO_SETTINGS_MODULE"] = extra

    def querela(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "querela.cli", *args], env=env, capture_output=True, text=True, timeout=300
        )

    try:
        yield querela
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_schema_is_made_distributable_by_tenant_and_the_application_runs_on_it(scratch):
    assert scratch("migrate", "-v0").returncode == 0
    before = scratch("sharding", "check")
    assert before.returncode == 1
    lines = before.stdout.splitlines()
    assert "complaints_complaint: primary key ('id',) does not start with tenant_id" in lines
    assert any(line.startswith("complaints_timelineentry.") and "→ complaints_complaint" in line for line in lines)
    assert any(line.startswith("tenants_apitoken.") and "unique ('key_sha256',)" in line for line in lines)

    applied = scratch("sharding", "apply")
    assert applied.returncode == 0, applied.stderr
    after = scratch("sharding", "check")
    assert after.returncode == 0, after.stdout
    assert scratch("sharding", "plan").stdout.strip() == ""  # nothing left to change: it can run after each migrate

    # The application on the distributable schema: the demo (every kind of row, composite foreign keys checked
    # at each commit) and the audit chain.
    seeded = scratch("seed_demo")
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    verify = scratch("audit", "verify")
    assert verify.returncode == 0 and "BROKEN" not in verify.stdout

    citus = scratch("sharding", "citus").stdout.splitlines()
    assert "SELECT create_reference_table('tenants_tenant');" in citus
    assert any("create_distributed_table('complaints_complaint', 'tenant_id'" in line for line in citus)


LATER_SETTINGS = """
from querela.settings.embedded import *  # noqa
INSTALLED_APPS = [*INSTALLED_APPS, "later"]
"""
LATER_MODELS_1 = """
from django.db import models
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel


class Visit(TenantModel):
    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE)
    note = models.CharField(max_length=20)
"""
LATER_MODELS_2 = (
    LATER_MODELS_1
    + """
    customer = TenantForeignKey("customers.Customer", null=True, on_delete=models.SET_NULL)
"""
)
LATER_MODELS_3 = (
    LATER_MODELS_1
    + """
    customer = TenantForeignKey("customers.Customer", null=True, blank=True, on_delete=models.PROTECT)
"""
)


@pytest.mark.parametrize("scratch", ["later_settings"], indirect=True)
def test_later_migrations_still_run_on_the_distributed_schema(scratch, tmp_path):
    """After `sharding apply`, `id` alone is not unique: a migration that creates a tenant table with a foreign
    key, adds one to it and changes it still runs — the keys are written as (tenant_id, x_id) — and `apply`
    after it leaves nothing for `check` to find."""
    (tmp_path / "later_settings.py").write_text(LATER_SETTINGS)
    app = tmp_path / "later"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    models_py = app / "models.py"
    models_py.write_text("from django.db import models\n")
    assert scratch("migrate", "-v0").returncode == 0
    assert scratch("sharding", "apply").returncode == 0

    for step, source in enumerate([LATER_MODELS_1, LATER_MODELS_2, LATER_MODELS_3], start=1):
        models_py.write_text(source)
        made = scratch("makemigrations", "later", "-n", f"step{step}")
        assert made.returncode == 0, made.stderr
        migrated = scratch("migrate", "later", "-v0")
        assert migrated.returncode == 0, f"step {step}: {migrated.stderr[-2000:]}"
        assert scratch("sharding", "apply").returncode == 0
    check = scratch("sharding", "check")
    assert check.returncode == 0, check.stdout
    keys = scratch(
        "shell",
        "-c",
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute(\"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'later_visit'::regclass"
        " AND contype = 'f' ORDER BY 1\")\n"
        "print('\\n'.join(r[0] for r in c.fetchall()))",
    )
    assert keys.returncode == 0, keys.stderr
    fks = keys.stdout.splitlines()
    assert any(
        d.startswith("FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints_complaint(tenant_id, id)")
        for d in fks
    ), fks
    assert any(
        d.startswith("FOREIGN KEY (tenant_id, customer_id) REFERENCES customers_customer(tenant_id, id)") for d in fks
    ), fks
