"""The call-center console on a million customers: search while typing, the "does anyone match" count
and the caller's identification, each as index scans starting with the tenant (PostgreSQL).

    QUERELA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/querela_bench_console \\
        python benchmarks/bench_console.py [--customers 1000000]

Builds (once; reused while the row count matches) one supplier with N customers, a place and a meter
each, plus a second supplier with N/10 (so a missing tenant filter would show), written with COPY and
the search keys the app keeps. Then times each kind of query an agent types (50 picks each, warm) and
EXPLAINs every SQL statement it ran: a sequential scan of a customer, place or meter table fails the run
(at the default million; on a few thousand rows PostgreSQL rightly prefers scanning, so small runs fail
that check). Names, streets and towns are the demo's Hungarian ones.
"""

from __future__ import annotations

import argparse
import io
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

SEED = 7
SCANNED = ("customers_customer", "customers_consumptionplace", "customers_meter")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=int(os.environ.get("BENCH_CUSTOMERS", 1_000_000)))
    args = parser.parse_args(argv)
    db_url = os.environ.get("QUERELA_BENCH_DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        sys.exit("Set QUERELA_BENCH_DATABASE_URL to a PostgreSQL database (the console is measured there).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "querela.settings.embedded")
    tmp = tempfile.mkdtemp(prefix="querela-bench-")
    os.environ["QUERELA_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = db_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    tenant, other = _tenants()
    _fill(tenant, args.customers)
    _fill(other, max(args.customers // 10, 1000))
    results = _measure(tenant, args.customers)
    out = Path("var/bench")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"console-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=2))


def _tenants():
    from querela.tenants.models import Tenant

    def one(code: str) -> Tenant:
        tenant, _ = Tenant.objects.get_or_create(
            code=code,
            defaults={
                "name": f"Console bench {code}",
                "country": "HU",
                "sector": "district_heating",
                "default_language": "hu",
                "time_zone": "Europe/Budapest",
                "mailbox": f"{code.lower()}@complaints.querela.test",
                "deadline_policy": "hu-utility",
            },
        )
        return tenant

    return one("CON"), one("COX")


def _fill(tenant, n: int) -> None:
    from django.db import connection
    from tqdm import tqdm

    from querela.core import tenancy
    from querela.customers.models import Customer
    from querela.customers.text import digits, fold
    from querela.demo import data  # the demo's Hungarian names, streets and towns

    first_names, last_names, streets = data.FIRST_NAMES["HU"], data.LAST_NAMES["HU"], data.STREETS["HU"]
    with tenancy.tenant_scope(tenant):
        have = Customer.objects.count()
    if have == n:
        print(f"{tenant.code}: {n:,} customers already there", file=sys.stderr)
        return
    with connection.cursor() as cur:
        for table in ("customers_meter", "customers_consumptionplace", "customers_customer"):
            cur.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant.pk])  # noqa: S608  (our table names)
    rng = random.Random(f"{SEED}-{tenant.code}")
    t0 = time.perf_counter()
    customers, places, meters = io.StringIO(), io.StringIO(), io.StringIO()
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence('customers_customer', 'id'))")
        base = cur.fetchone()[0]
        cur.execute(f"SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), {base + n + 1})")
        cur.execute("SELECT nextval(pg_get_serial_sequence('customers_consumptionplace', 'id'))")
        pbase = cur.fetchone()[0]
        cur.execute(f"SELECT setval(pg_get_serial_sequence('customers_consumptionplace', 'id'), {pbase + n + 1})")
    for i in tqdm(range(n), desc=f"{tenant.code} customers", file=sys.stderr, mininterval=2):
        cid, pid = base + i, pbase + i
        name = f"{rng.choice(last_names)} {rng.choice(first_names)}"
        phone = f"+36 {rng.choice((20, 30, 70))} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        number = f"{tenant.code}{i:08d}"
        city, postal, _region = rng.choice(data.PLACES["HU"])
        address = f"{rng.choice(streets)} {rng.randrange(1, 180)}."
        customers.write(
            f"{cid}\t{tenant.pk}\t{number}\t{name}\t{phone}\tc{i}@{tenant.code.lower()}.example\temail\t\t\t"
            f"2026-01-01 00:00:00+00\t{fold(name)} {digits(phone)}\n"
        )
        places.write(
            f"{pid}\t{tenant.pk}\t{cid}\t{address}\t{postal}\t{city}\t\tdistrict_heating\t"
            f"{fold(f'{postal} {city} {address} ')}\n"
        )
        meters.write(f"{tenant.pk}\t{pid}\t{tenant.code}-M{i:08d}\n")
    with connection.cursor() as cur:
        for table, columns, buf in (
            (
                "customers_customer",
                "id, tenant_id, customer_number, name, phone, email, preferred_channel, "
                "mailing_address, language, created_at, search_key",
                customers,
            ),
            (
                "customers_consumptionplace",
                "id, tenant_id, customer_id, address, postal_code, city, region, service_type, search_key",
                places,
            ),
            ("customers_meter", "tenant_id, place_id, serial", meters),
        ):
            with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(buf.getvalue())
        for table in SCANNED:
            cur.execute(f"ANALYZE {table}")
    print(f"{tenant.code}: {n:,} customers written in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _measure(tenant, n: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from querela.calls.selectors import match_count
    from querela.calls.services import _candidates
    from querela.core import tenancy
    from querela.customers.models import Customer
    from querela.customers.selectors import customer_search
    from querela.tenants.access import Actor

    user, _ = get_user_model().objects.get_or_create(username="console-bench-agent")
    agent = Actor(user=user, tenant=tenant, role="agent")
    clerk = Actor(user=user, tenant=tenant, role="clerk")
    rng = random.Random(SEED)
    with tenancy.tenant_scope(tenant):
        sample = list(
            Customer.objects.filter(
                pk__in=[rng.randrange(n) + Customer.objects.order_by("pk").first().pk for _ in range(60)]
            ).prefetch_related("places__meters")
        )
    picks = {
        "customer id (exact)": lambda c: c.customer_number,
        "meter serial (exact)": lambda c: c.places.all()[0].meters.all()[0].serial,
        "phone": lambda c: c.phone,
        "name (common)": lambda c: c.name,
        "street and number": lambda c: c.places.all()[0].address,
        "customer id (start)": lambda c: c.customer_number[:-2],
        "name and city": lambda c: f"{c.name.split()[0]} {c.places.all()[0].city}",
    }
    rows: dict[str, dict] = {}
    scans: list[str] = []
    with tenancy.tenant_scope(tenant):
        for label, make in picks.items():
            for kind, run in (
                ("search (clerk)", lambda q: len(list(customer_search(actor=clerk, query=q)))),
                ("match count (agent)", lambda q: match_count(actor=agent, query=q)),
            ):
                times, hits = [], []
                for c in sample[:50]:
                    q = make(c)
                    start = time.perf_counter()
                    with CaptureQueriesContext(connection) as captured:
                        hits.append(run(q))
                    times.append((time.perf_counter() - start) * 1000)
                    if c is sample[0]:
                        scans += seq_scans(connection, captured.captured_queries, label, SCANNED)
                rows[f"{label} · {kind}"] = _summary(times, hits)
        times = []
        for c in sample[:50]:
            start = time.perf_counter()
            _candidates({"meter_serial": c.places.all()[0].meters.all()[0].serial, "name": c.name})
            times.append((time.perf_counter() - start) * 1000)
        rows["identification candidates (meter + name)"] = _summary(times, [1] * len(times))
    print(f"\n{n:,} customers in the measured supplier (PostgreSQL); ms per query, 50 picks each, warm")
    print(f"{'query':<52} {'p50':>7} {'p95':>7} {'max':>7} {'hits p50':>9}")
    for label, r in rows.items():
        print(f"{label:<52} {r['p50']:7.1f} {r['p95']:7.1f} {r['max']:7.1f} {r['hits_p50']:9}")
    if scans:
        print("\nSEQUENTIAL SCANS:\n" + "\n".join(scans))
        sys.exit(1)
    print("\nno sequential scan of customers, places or meters in any statement")
    return {"customers": n, "rows": rows}


def _summary(times: list[float], hits: list[int]) -> dict:
    times = sorted(times)
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "max": times[-1],
        "hits_p50": int(statistics.median(hits)),
    }


if __name__ == "__main__":
    main()
