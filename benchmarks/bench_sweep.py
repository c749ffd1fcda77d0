"""The deadline sweep's cost follows the complaints due, not the total.

Builds a tenant with N complaints whose deadlines are far away plus a fixed number due today, then
times one sweep; repeats with 10×N. Run by `make bench` (SQLite; PostgreSQL too when
QUERELA_BENCH_DATABASE_URL is set).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DUE = 50


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "querela.settings.embedded")
    db_url = os.environ.get("QUERELA_BENCH_DATABASE_URL")
    tmp = tempfile.mkdtemp(prefix="querela-bench-")
    os.environ["QUERELA_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = db_url or f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from tqdm import tqdm

    from querela.complaints.deadline_sweep import deadline_sweep_tenant
    from querela.complaints.models import Complaint, DeadlineStep
    from querela.core import tenancy
    from querela.tenants.models import Tenant

    call_command("flush" if db_url else "migrate", interactive=False, verbosity=0)
    if db_url:
        call_command("migrate", verbosity=0)
    tz = ZoneInfo("Europe/Budapest")
    today = date(2026, 3, 18)
    now = datetime(2026, 3, 18, 7, tzinfo=tz)
    tenant = Tenant.objects.create(
        name="Bench",
        code="BEN",
        country="HU",
        sector="electricity",
        default_language="en",
        time_zone="Europe/Budapest",
        mailbox="bench@complaints.querela.test",
        deadline_policy="hu-electricity",
    )
    made = 0
    print(f"database: {django.db.connection.vendor}; {DUE} complaints due in every run")
    with tenancy.tenant_scope(tenant):
        for total in (2_000, 20_000):
            _grow(tenant, Complaint, DeadlineStep, total - made, today, tz, tqdm)
            made = total
            _make_due(tenant, Complaint, DeadlineStep, today, tz)
            start = time.perf_counter()
            handled = deadline_sweep_tenant(tenant, now=now)
            elapsed = time.perf_counter() - start
            print(f"  {total:>6} open complaints: sweep handled {handled} due steps in {elapsed * 1000:7.1f} ms")


def _grow(tenant, Complaint, DeadlineStep, n, today, tz, tqdm) -> None:
    base = Complaint.objects.count()
    received = datetime(2026, 3, 10, 9, tzinfo=tz)
    batch = []
    for i in tqdm(range(n), desc="creating complaints", file=sys.stderr):
        batch.append(
            Complaint(
                tenant=tenant,
                reference=f"BEN-2026-{base + i + 1:06d}",
                channel="email",
                received_at=received,
                subject="bench",
                reply_channel="email",
                policy_name="hu-electricity",
                answer_due=today + timedelta(days=20),
                status="registered",
            )
        )
        if len(batch) == 2000:
            _flush(batch, Complaint, DeadlineStep, today)
            batch = []
    if batch:
        _flush(batch, Complaint, DeadlineStep, today)


def _flush(batch, Complaint, DeadlineStep, today) -> None:
    created = Complaint.objects.bulk_create(batch)
    if not created or created[0].pk is None:
        created = list(Complaint.objects.order_by("-pk")[: len(batch)])
    DeadlineStep.objects.bulk_create(
        [
            DeadlineStep(
                tenant_id=c.tenant_id,
                complaint=c,
                step="answer",
                due_date=today + timedelta(days=20),
                remind_on=today + timedelta(days=15),
                next_check_on=today + timedelta(days=15),
            )
            for c in created
        ]
    )


def _make_due(tenant, Complaint, DeadlineStep, today, tz) -> None:
    received = datetime(2026, 2, 20, 9, tzinfo=tz)
    n = Complaint.objects.count()
    for i in range(DUE):
        c = Complaint.objects.create(
            tenant=tenant,
            reference=f"BEN-2026-{n + i + 1:06d}",
            channel="email",
            received_at=received,
            subject="due",
            reply_channel="email",
            policy_name="hu-electricity",
            status="registered",
        )
        DeadlineStep.objects.create(
            tenant=tenant,
            complaint=c,
            step="answer",
            due_date=today - timedelta(days=1),
            remind_on=today - timedelta(days=4),
            reminded_at=None,
            next_check_on=today,
        )


if __name__ == "__main__":
    main()
