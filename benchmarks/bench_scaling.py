"""Intake with more processes (issue 15): one web process and one Huey worker against two of each, on one
PostgreSQL and one Redis, as the distributed configuration runs them (production settings).

- API intake: 12 clients register complaints for 15 s, spread over the web processes → complaints/s.
- Mail intake: 300 raw mails stored (as the SMTP intake stores them), then the workers started → mails
  processed into complaints per second.

Run by `make bench` (needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379). On a 2-core machine two
of everything shares the same two cores with the database: the table shows what the second process buys here,
not on a machine per process.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import servers

DB = os.environ.get("QUERELA_BENCH_SCALING_URL", "postgres://postgres@127.0.0.1:5432/querela_bench_scaling")
REDIS = os.environ.get("QUERELA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
API_SECONDS = 15
CLIENTS = 12
MAILS = 300

STORE_MAILS = """
from email.message import EmailMessage
from querela.core import tenancy
from querela.intake.inbound import inbound_store
from querela.tenants.models import Tenant
tenant = Tenant.objects.get(code="OPT")
with tenancy.tenant_scope(tenant):
    for i in range({n}):
        msg = EmailMessage()
        msg["From"] = f"ugyfel{{i}}@example.hu"
        msg["To"] = tenant.mailbox
        msg["Subject"] = f"Hibás számla {{i}} ({run})"
        msg["Message-ID"] = f"<bench-{run}-{{i}}@example.hu>"
        msg.set_content("A novemberi számlám hibás, kérem ellenőrizzék.")
        inbound_store(raw=msg.as_bytes(), tenant=tenant, source="smtp")
"""


def _pending() -> int:
    import psycopg

    with psycopg.connect(DB) as conn:
        row = conn.execute("SELECT count(*) FROM intake_inboundmessage WHERE status = 'pending'").fetchone()
    return int(row[0]) if row else 0


def _api_rate(ports: list[int], token: str, customer: str) -> float:
    done = [0]
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + API_SECONDS

    def client(n: int) -> None:
        port = ports[n % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = 0
        while time.monotonic() < stop_at:
            body = json.dumps(
                {
                    "channel": "phone",
                    "subject": f"Skálázás {n}-{i}",
                    "description": "A számla túl magas.",
                    "customer_number": customer,
                    "category": "billing",
                }
            )
            conn.request(
                "POST",
                "/api/v1/t/OPT/complaints/",
                body,
                {"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            with lock:
                if response.status == 201:
                    done[0] += 1
                else:
                    errors[0] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors[0]:
        print(f"  ({errors[0]} requests refused)")
    return done[0] / (time.monotonic() - started)


def _mail_rate(env: dict[str, str], workers: int, run: str) -> float:
    servers._querela(DB, "shell", "-c", STORE_MAILS.format(n=MAILS, run=run), env=env)
    assert _pending() >= MAILS
    full = servers.querela_env(DB, env)
    started = time.monotonic()
    procs = [
        subprocess.Popen(  # noqa: S603 -- our own console script
            [str(servers.VENV_BIN / "querela"), "run_huey", "--workers", "1", "--no-periodic"],
            env=full,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while _pending() > 0:
            if time.monotonic() - started > 600:
                raise RuntimeError("mail processing did not finish in 10 minutes")
            time.sleep(0.2)
        return MAILS / (time.monotonic() - started)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(15)


def main() -> None:
    import redis

    env = {"REDIS_URL": REDIS}
    servers.create_database(DB, fresh=True)
    servers.migrate(DB, env)
    servers.seed_demo(DB, env)
    token = servers.api_token(DB, "opt.agent", "OPT", env)
    import psycopg

    with psycopg.connect(DB) as conn:
        row = conn.execute(
            "SELECT cu.customer_number FROM customers_customer cu JOIN tenants_tenant t ON t.id = cu.tenant_id"
            " WHERE t.code = 'OPT' ORDER BY cu.id LIMIT 1"
        ).fetchone()
    assert row is not None
    customer = str(row[0])
    results = []
    for n in (1, 2):
        redis.Redis.from_url(REDIS).flushdb()  # the jobs the registrations queued are not part of the next run
        ports = [8201 + i for i in range(n)]
        procs = [servers.start_querela(port, DB, workers=1, env=env) for port in ports]
        try:
            api = _api_rate(ports, token, customer)
        finally:
            for p in procs:
                servers.stop(p)
        redis.Redis.from_url(REDIS).flushdb()
        mails = _mail_rate(env, n, run=f"{n}-{int(time.time())}")
        results.append((n, api, mails))
        print(f"{n} web + {n} worker: API {api:.1f} complaints/s, mail {mails:.1f} mails/s", flush=True)
    redis.Redis.from_url(REDIS).flushdb()
    print()
    print("| processes | API intake (complaints/s) | mail processing (mails/s) |")
    print("|---|---|---|")
    for n, api, mails in results:
        print(f"| {n} web + {n} worker | {api:.1f} | {mails:.1f} |")


if __name__ == "__main__":
    main()
