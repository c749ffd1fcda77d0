"""E-mail intake throughput: messages per second parsed and registered (with attachments), against the
raw parse rate of the same messages. SQLite always; PostgreSQL when QUERELA_BENCH_DATABASE_URL is set."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from email.message import EmailMessage

N = int(os.environ.get("QUERELA_BENCH_MAILS", "300"))
PDF = b"%PDF-1.4\n" + b"0" * 40_000 + b"\n%%EOF\n"


def messages(mailbox: str, n: int) -> list[bytes]:
    out = []
    for i in range(n):
        m = EmailMessage()
        m["From"] = f"Ügyfél {i} <customer{i % 40}@example.hu>"
        m["To"] = mailbox
        m["Subject"] = f"Panasz a {i}. számla miatt"
        m["Message-ID"] = f"<bench-{i}@example.hu>"
        m.set_content(
            f"Tisztelt Ügyfélszolgálat!\n\nFelhasználó azonosító: {3100000000 + i % 40}\n"
            f"Mérő gyári száma: BEN-{i % 40:04d}\nA számla hibás.\n"
        )
        m.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"számla-{i}.pdf")
        out.append(m.as_bytes())
    return out


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="querela-bench-mail-")
    os.environ["QUERELA_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "querela.settings.embedded")
    db_url = os.environ.get("QUERELA_BENCH_DATABASE_URL")
    os.environ["DATABASE_URL"] = db_url or f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from tqdm import tqdm

    from querela.core import tenancy
    from querela.customers.models import ConsumptionPlace, Customer, Meter
    from querela.intake.email.parse import parse_message
    from querela.intake.inbound import inbound_store
    from querela.intake.registration import inbound_process
    from querela.tenants.models import Tenant

    if db_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    tenant = Tenant.objects.create(
        name="Bench",
        code="BEN",
        country="HU",
        sector="electricity",
        default_language="hu",
        time_zone="Europe/Budapest",
        mailbox="bench@complaints.querela.test",
        deadline_policy="hu-electricity",
    )
    with tenancy.tenant_scope(tenant):
        for i in range(40):
            c = Customer.objects.create(
                customer_number=str(3100000000 + i), name=f"Ügyfél {i}", email=f"customer{i}@example.hu"
            )
            p = ConsumptionPlace.objects.create(
                customer=c, address="Fő utca 1.", postal_code="4024", city="Debrecen", service_type="electricity"
            )
            Meter.objects.create(place=p, serial=f"BEN-{i:04d}")
    raws = messages(tenant.mailbox, N)
    start = time.perf_counter()
    for raw in raws:
        parse_message(raw)
    parse_rate = N / (time.perf_counter() - start)
    start = time.perf_counter()
    for raw in tqdm(raws, desc="registering", file=sys.stderr):
        msg = inbound_store(raw=raw, tenant=tenant, source="smtp")
        with tenancy.tenant_scope(tenant):
            inbound_process(inbound_id=msg.pk)
    reg_rate = N / (time.perf_counter() - start)
    vendor = django.db.connection.vendor
    print(
        f"  {vendor:<10} {N} mails with a 40 kB PDF: parse only {parse_rate:8.1f}/s, "
        f"stored + parsed + registered {reg_rate:6.1f}/s"
    )


if __name__ == "__main__":
    main()
