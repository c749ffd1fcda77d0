"""The back office at a million complaints: the worklist's first page, a filtered page, the next page
by keyset, free-text search and a case file, each timed in-process (the Django view with its template,
no network) on the dataset `benchmarks/datagen.py` makes, and every SQL statement EXPLAINed — a
sequential scan of the complaint table fails the run.

    QUERELA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/querela_bench python benchmarks/bench_worklist.py

Targets (issue 13): worklist first page and a filtered page p95 <= 50 ms, free-text search p95 <= 150 ms,
case file p95 <= 40 ms.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from explain import seq_scans

RUNS = 30
SCANNED = ("complaints_complaint", "complaints_timelineentry", "complaints_deadlinestep")
TARGETS = {"worklist": 50, "filtered": 50, "next page": 50, "mine": 50, "search": 150, "case file": 40}


def main() -> None:
    db_url = os.environ.get("QUERELA_BENCH_DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        sys.exit("Set QUERELA_BENCH_DATABASE_URL to the PostgreSQL database datagen.py filled.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "querela.settings.embedded")
    os.environ["QUERELA_VAR_DIR"] = tempfile.mkdtemp(prefix="querela-bench-")
    os.environ["DATABASE_URL"] = db_url
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from querela.complaints.models import Complaint
    from querela.core import tenancy
    from querela.tenants.models import Tenant

    tenant = Tenant.objects.filter(code="BHU").first()
    if tenant is None:
        sys.exit("No bench supplier BHU: run benchmarks/datagen.py first.")
    with tenancy.tenant_scope(tenant):
        total = Complaint.objects.count()
        rng = random.Random(3)
        sample = list(Complaint.objects.filter(pk__in=[rng.randrange(1, total * 3) for _ in range(200)])[:RUNS])
    handler = get_user_model().objects.get(username="bhu.handler")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(handler)
    base = f"/t/{tenant.code}/complaints/"
    first = client.get(base)
    cursor = first.context["next_cursor"] if first.context else ""
    words = [c.subject.split()[0] for c in sample if c.subject] or ["szamla"]
    cases: dict[str, list[str]] = {
        "worklist": [base] * RUNS,
        "filtered": [f"{base}?channel=email&kind=complaint&deadline=overdue"] * RUNS,
        "next page": [f"{base}?after={cursor}"] * RUNS,
        "mine": [f"{base}?view=mine"] * RUNS,
        "search": [f"{base}?q={words[i % len(words)]}%20{c.reference[-4:]}" for i, c in enumerate(sample)],
        "case file": [f"{base}{c.reference}/" for c in sample],
    }
    rows, scans = {}, []
    for label, urls in cases.items():
        times = []
        for i, url in enumerate(urls):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            if i == 0:
                scans += seq_scans(connection, captured.captured_queries, label, SCANNED)
                statements = len(captured)
        times.sort()
        rows[label] = {
            "p50": statistics.median(times),
            "p95": times[int(len(times) * 0.95) - 1],
            "statements": statements,
            "target_p95": TARGETS[label],
        }
    print(f"\n{total:,} complaints in supplier {tenant.code} (PostgreSQL); ms per page in-process, {RUNS} runs each")
    print(f"{'page':<12} {'p50':>7} {'p95':>7} {'target':>7} {'SQL':>4}")
    for label, r in rows.items():
        mark = "" if r["p95"] <= r["target_p95"] else "  over"
        print(f"{label:<12} {r['p50']:7.1f} {r['p95']:7.1f} {r['target_p95']:7} {r['statements']:4}{mark}")
    out = Path("var/bench")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"worklist-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps({"total": total, "rows": rows}))
    if scans:
        print("\nSEQUENTIAL SCANS:\n" + "\n".join(scans))
        sys.exit(1)
    print("no sequential scan of complaints, timeline entries or deadline steps")


if __name__ == "__main__":
    main()
