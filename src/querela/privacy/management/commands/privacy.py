from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from querela.core import tenancy
from querela.privacy.models import PurgeRun
from querela.privacy.purge import purge_execute, purge_start
from querela.privacy.schedule import DocumentType
from querela.tenants.access import system_actor
from querela.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Data protection. `privacy purge [--tenant CODE] [--dry-run]` removes what each supplier's retention "
        "schedule says is due (a dry run only counts) and prints the report: per document type how many were "
        "due, how many were removed, and the oldest thing kept."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        purge = sub.add_parser("purge", help="run the retention purge now (every supplier, or one)")
        purge.add_argument("--tenant", default="", help="only this supplier (its short code)")
        purge.add_argument("--dry-run", action="store_true", help="count what is due, remove nothing")
        purge.add_argument("--no-progress", action="store_true", help="no progress bar")
        purge.add_argument("--language", default="en", help="language of the report (en, hu, pl, ro)")

    def handle(self, *args: Any, **opts: Any) -> None:
        tenants = Tenant.objects.filter(is_active=True).order_by("code")
        if opts["tenant"]:
            tenants = tenants.filter(code=str(opts["tenant"]).upper())
            if not tenants.exists():
                raise CommandError(f"No tenant with code {opts['tenant']}.")
        translation.activate(opts["language"])
        for tenant in tenants:
            bar = tqdm(
                total=0, desc=f"{tenant.code} removed", unit=" items", file=sys.stderr, disable=opts["no_progress"]
            )

            def progress(done: int, total: int, bar: Any = bar) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                with tenancy.tenant_scope(tenant):
                    actor = system_actor(tenant, label="command line")
                    run = purge_execute(
                        purge_start(actor=actor, dry_run=opts["dry_run"]), actor=actor, progress=progress
                    )
            finally:
                bar.close()
            self._print(tenant, run)

    def _print(self, tenant: Tenant, run: PurgeRun) -> None:
        labels = dict(DocumentType.choices)
        out = self.stdout
        out.write(f"{tenant.code} — {'dry run' if run.dry_run else 'purge'} as of {run.as_of.isoformat()}")
        out.write(f"  {'document type':<42}{'due':>8}{'removed':>9}  oldest kept")
        for kind, row in run.report.items():
            label = str(labels.get(kind, "Print batches' PDFs"))
            out.write(f"  {label:<42}{row['due']:>8}{row['done']:>9}  {row['oldest_kept'] or '—'}")
        if run.dry_run:
            out.write("  Dry run: nothing was removed.")
