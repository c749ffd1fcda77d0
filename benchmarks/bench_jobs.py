"""The job worker's side of `make bench`, run as its own process against the bench database (so its peak
memory is a job worker's): the deadline sweep with a fixed number due, and e-mail registration next to
the raw parse rate of the same mails. Prints one JSON object.

    python benchmarks/bench_jobs.py sweep --due 50
    python benchmarks/bench_jobs.py email --mails 300 --workers 2
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

PDF = b"%PDF-1.4\n" + b"0" * 40_000 + b"\n%%EOF\n"


def _setup() -> None:
    import django

    django.setup()


def _tenant() -> Any:
    from querela.tenants.models import Tenant

    return Tenant.objects.filter(is_active=True).order_by("pk").first()


def sweep(due: int) -> dict[str, Any]:
    """Drain what is already due (untimed), make `due` open steps due today, time one sweep of them."""
    from querela.complaints.deadline_sweep import deadline_sweep_tenant
    from querela.complaints.models import Complaint, DeadlineStep
    from querela.core import clock, tenancy

    tenant = _tenant()
    while deadline_sweep_tenant(tenant, batch=5000):
        pass
    today = clock.tenant_today(tenant)
    with tenancy.tenant_scope(tenant):
        open_steps = Complaint.objects.count()
        ids = list(
            DeadlineStep.objects.filter(next_check_on__gt=today, done_at__isnull=True, missed_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:due]
        )
        # Due today with its reminder not yet sent: the sweep sends one reminder per step.
        DeadlineStep.objects.filter(pk__in=ids).update(
            remind_on=today, next_check_on=today, reminded_at=None, due_date=today + timedelta(days=3)
        )
    start = time.perf_counter()
    handled = deadline_sweep_tenant(tenant, batch=5000)
    seconds = time.perf_counter() - start
    return {"tenant": tenant.code, "complaints": open_steps, "due": len(ids), "handled": handled, "seconds": seconds}


def _mails(mailbox: str, customers: list[tuple[str, str]], n: int) -> list[bytes]:
    out = []
    for i in range(n):
        number, email = customers[i % len(customers)]
        m = EmailMessage()
        m["From"] = f"Ügyfél {i} <{email}>"
        m["To"] = mailbox
        m["Subject"] = f"Panasz a {i}. számla miatt"
        m["Message-ID"] = f"<bench-{time.time_ns()}-{i}@example.hu>"
        m.set_content(f"Tisztelt Ügyfélszolgálat!\n\nFelhasználó azonosító: {number}\nA számla hibás.\n")
        m.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"számla-{i}.pdf")
        out.append(m.as_bytes())
    return out


def _email_setup(mails: int) -> tuple[Any, list[bytes]]:
    from querela.core import tenancy
    from querela.customers.models import Customer

    tenant = _tenant()
    # A big utility's mailbox takes thousands an hour; the bench's burst must not be held as a flood.
    tenant.intake_limit_per_mailbox = max(tenant.intake_limit_per_mailbox, 1_000_000)
    tenant.intake_limit_per_sender = max(tenant.intake_limit_per_sender, 1_000)
    tenant.save(update_fields=["intake_limit_per_mailbox", "intake_limit_per_sender"])
    with tenancy.tenant_scope(tenant):
        customers = list(
            Customer.objects.exclude(email="").order_by("pk").values_list("customer_number", "email")[:mails]
        )
    return tenant, _mails(tenant.mailbox, customers, mails)


def email_worker(mails: int, worker: int, workers: int) -> dict[str, Any]:
    """One job worker's share: stored, parsed and registered (the acknowledgement queued), one after another."""
    from querela.core import tenancy
    from querela.intake.inbound import inbound_store
    from querela.intake.models import InboundStatus
    from querela.intake.registration import inbound_process

    tenant, raws = _email_setup(mails)
    mine = raws[worker::workers]
    registered = 0
    start = time.perf_counter()
    for raw in mine:
        msg = inbound_store(raw=raw, tenant=tenant, source="smtp")
        with tenancy.tenant_scope(tenant):
            done = inbound_process(inbound_id=msg.pk)
        registered += bool(done and done.status in (InboundStatus.REGISTERED, InboundStatus.ATTACHED))
    return {"mails": len(mine), "registered": registered, "seconds": time.perf_counter() - start}


def email(mails: int, workers: int) -> dict[str, Any]:
    """Registration by `workers` job workers at once (as many as the machine has cores), next to the parse
    rate of the same mails in one process."""
    from querela.intake.email.parse import parse_message

    _tenant_unused, raws = _email_setup(mails)
    start = time.perf_counter()
    for raw in raws:
        parse_message(raw)
    parse_rate = mails / (time.perf_counter() - start)
    command = [sys.executable, __file__, "email-worker", "--mails", str(mails), "--workers", str(workers)]
    procs = [
        subprocess.Popen(  # noqa: S603 -- this script, fixed arguments
            [*command, "--worker", str(i)],
            stdout=subprocess.PIPE,
        )
        for i in range(workers)
    ]
    shares = [json.loads(p.communicate()[0]) for p in procs]
    registered = sum(s["registered"] for s in shares)
    seconds = max(s["seconds"] for s in shares)
    return {
        "mails": mails,
        "workers": workers,
        "registered": registered,
        "parse_per_s": parse_rate,
        "registered_per_s": registered / seconds,
        "worker_rss_mb": max(s["peak_rss_mb"] for s in shares),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("sweep").add_argument("--due", type=int, default=50)
    mail = sub.add_parser("email")
    mail.add_argument("--mails", type=int, default=300)
    mail.add_argument("--workers", type=int, default=2)
    worker = sub.add_parser("email-worker")
    worker.add_argument("--mails", type=int, default=300)
    worker.add_argument("--worker", type=int, default=0)
    worker.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    _setup()
    if args.what == "sweep":
        result = sweep(args.due)
    elif args.what == "email":
        result = email(args.mails, args.workers)
    else:
        result = email_worker(args.mails, args.worker, args.workers)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
