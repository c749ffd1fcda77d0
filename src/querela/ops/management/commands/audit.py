from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from querela.audit.sealing import audit_seal_all
from querela.audit.verify import audit_verify
from querela.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Audit log tools. `audit seal` chains every tenant's new events now (the job does it every minute); "
        "`audit verify [--tenant CODE]` reports the first broken link of each chain and how many are unsealed."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        verify = sub.add_parser("verify", help="check every tenant's hash chain")
        verify.add_argument("--tenant", help="only this tenant's short code")
        sub.add_parser("seal", help="chain every tenant's unsealed events and anchor the heads")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["sub"] == "seal":
            for code, count in audit_seal_all().items():
                self.stdout.write(f"{code}: sealed {count} events")
            return
        tenants = Tenant.objects.all()
        if opts.get("tenant"):
            tenants = tenants.filter(code=opts["tenant"].upper())
            if not tenants.exists():
                raise CommandError(f"No tenant with code {opts['tenant']}.")
        broken = 0
        for tenant in tenants:
            result = audit_verify(tenant=tenant)
            if result.ok:
                pending = f", {result.unsealed} not sealed yet" if result.unsealed else ""
                sealed = f"{result.checked} events sealed{pending}, {result.anchors} anchors"
                self.stdout.write(f"{tenant.code}: OK, {sealed}")
            else:
                broken += 1
                where = f"at event {result.broken_seq}" if result.broken_seq else ""
                self.stdout.write(f"{tenant.code}: BROKEN {where}: {result.reason}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.", returncode=1)
