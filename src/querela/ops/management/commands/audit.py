from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from querela.audit.services import audit_verify
from querela.tenants.models import Tenant


class Command(BaseCommand):
    help = "Audit log tools. `audit verify [--tenant CODE]` reports the first broken link of each chain."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        verify = sub.add_parser("verify", help="check every tenant's hash chain")
        verify.add_argument("--tenant", help="only this tenant's short code")

    def handle(self, *args: Any, **opts: Any) -> None:
        tenants = Tenant.objects.all()
        if opts.get("tenant"):
            tenants = tenants.filter(code=opts["tenant"].upper())
            if not tenants.exists():
                raise CommandError(f"No tenant with code {opts['tenant']}.")
        broken = 0
        for tenant in tenants:
            result = audit_verify(tenant=tenant)
            if result.ok:
                self.stdout.write(f"{tenant.code}: OK, {result.checked} events")
            else:
                broken += 1
                self.stdout.write(f"{tenant.code}: BROKEN at event {result.broken_seq}: {result.reason}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.", returncode=1)
