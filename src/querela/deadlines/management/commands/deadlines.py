from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from querela.deadlines.conformance import format_report, run_file


class Command(BaseCommand):
    help = "Deadline tools: `deadlines check FILE` runs worked cases; ends with `N passed, M failed`."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        check = sub.add_parser("check", help="run a JSONL file of deadline cases")
        check.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            results = run_file(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(format_report(results))
        if any(not r.ok for r in results):
            sys.exit(1)
