from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from querela.core import tenancy
from querela.instructions.selectors import instructions_current
from querela.tenants.models import Tenant


class Command(BaseCommand):
    help = "Work instructions: `instructions list --tenant CODE [--language LANG] [--category CAT]`."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        listing = sub.add_parser(
            "list", help="one current instruction per line: code, category, title, step count (tab-separated)"
        )
        listing.add_argument("--tenant", required=True, help="the supplier's short code")
        listing.add_argument("--language", default="", help="only the instructions written in this language")
        listing.add_argument("--category", default="", help="only this complaint category")

    def handle(self, *args: Any, **opts: Any) -> None:
        tenant = Tenant.objects.filter(code=str(opts["tenant"]).upper()).first()
        if tenant is None:
            raise CommandError(f"No tenant with code {opts['tenant']}.")
        with tenancy.tenant_scope(tenant):
            rows = instructions_current(category=opts["category"], language=opts["language"])
        try:
            for row in rows:
                title = " ".join(row.title.split())
                steps = getattr(row, "step_count", 0)  # annotated by the selector
                self.stdout.write(f"{row.code}\t{row.category}\t{title}\t{steps}")
            self.stdout.flush()
        except BrokenPipeError:  # `querela instructions list … | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
