from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from querela.core import tenancy
from querela.core.errors import QuerelaError
from querela.orgchart.importing import ImportReport, orgchart_import_csv
from querela.tenants.access import Actor, actor_for, system_actor
from querela.tenants.models import Tenant

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = (
        "Org chart tools. `orgchart import --tenant CODE FILE.csv [--dry-run] [--as USERNAME]` imports a "
        "supplier's departments, jobs, holders and deputies from CSV, all or nothing; it prints what was "
        "created and updated, or every error with its row number."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser("import", help="import an org chart CSV file into one supplier")
        imp.add_argument("file", help="the CSV file (UTF-8); `-` reads standard input")
        imp.add_argument("--tenant", required=True, help="the supplier's short code")
        imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        imp.add_argument(
            "--as",
            dest="as_user",
            default="",
            help="act as this tenant administrator (the audit log names them); default: the command line",
        )
        imp.add_argument("--no-progress", action="store_true", help="no progress bar")
        imp.add_argument("--language", default="en", help="language of the report (en, hu, pl, ro)")

    def handle(self, *args: Any, **opts: Any) -> None:
        tenant = Tenant.objects.filter(code=str(opts["tenant"]).upper()).first()
        if tenant is None:
            raise CommandError(f"No tenant with code {opts['tenant']}.")
        path = opts["file"]
        if path != "-" and not Path(path).is_file():
            raise CommandError(f"No such file: {path}")
        translation.activate(opts["language"])
        actor = self._actor(tenant, opts["as_user"])
        bar = tqdm(total=0, desc="rows checked", unit=" rows", file=sys.stderr, disable=opts["no_progress"])

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            with tenancy.tenant_scope(tenant):
                if path == "-":
                    report = self._run(actor, sys.stdin.buffer, "stdin", opts["dry_run"], progress)
                else:
                    with open(path, "rb") as stream:
                        report = self._run(actor, stream, Path(path).name, opts["dry_run"], progress)
        except QuerelaError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        self._print(report, opts["dry_run"])
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.", returncode=1)

    def _actor(self, tenant: Tenant, username: str) -> Actor:
        if not username:
            return system_actor(tenant, label="command line")
        user = get_user_model().objects.filter(username=username).first()
        actor = actor_for(user, tenant) if user is not None else None
        if actor is None:
            raise CommandError(f"{username} holds no role at {tenant.code}.")
        return actor

    def _run(self, actor: Actor, stream: Any, name: str, dry_run: bool, progress: Any) -> ImportReport:
        return orgchart_import_csv(actor=actor, stream=stream, filename=name, dry_run=dry_run, progress=progress)

    def _print(self, report: ImportReport, dry_run: bool) -> None:
        out = self.stdout
        out.write(f"{report.filename}: {report.rows} rows, SHA-256 {report.sha256[:16]}…")
        for error in report.errors[:SHOWN_ERRORS]:
            out.write(f"row {error.row}: {error.message}")
        if len(report.errors) > SHOWN_ERRORS:
            out.write(f"… and {len(report.errors) - SHOWN_ERRORS} more errors")
        if report.errors:
            return
        for label, created, updated in report.summary():
            out.write(f"{label}: {created} created, {updated} updated")
        if dry_run:
            out.write("Dry run: nothing was written.")
        elif report.applied:
            out.write("Imported.")
