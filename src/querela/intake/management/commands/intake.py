from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from querela.intake.email.conformance import check_dir, format_report
from querela.intake.email.parse import parse_message


class Command(BaseCommand):
    help = "E-mail intake tools: `intake parse FILE.eml --json`, `intake check DIR`."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        p = sub.add_parser("parse", help="print what Querela reads from one message")
        p.add_argument("file")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        c = sub.add_parser("check", help="run NAME.eml / NAME.expect.json pairs; ends with `N passed, M failed`")
        c.add_argument("dir")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["sub"] == "parse":
            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            parsed = parse_message(path.read_bytes())
            data = parsed.to_json_dict()
            if opts["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                for key, value in data.items():
                    if key != "text":
                        self.stdout.write(f"{key}: {value}")
                self.stdout.write("text:\n" + str(data.get("text", "")))
            return
        folder = Path(opts["dir"])
        if not folder.is_dir():
            raise CommandError(f"No such folder: {folder}")
        results = check_dir(folder)
        report = format_report(results)
        self.stdout.write(report)
        if not all(r.ok for r in results):
            sys.exit(1)
