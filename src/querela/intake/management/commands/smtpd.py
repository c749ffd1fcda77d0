from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from querela.intake.email.smtp_server import serve_forever
from querela.intake.inbound import accepts_recipient, smtp_store


class Command(BaseCommand):
    help = "Run the inbound SMTP server for the tenant mailboxes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.QUERELA["SMTP_HOST"])
        parser.add_argument("--port", type=int, default=settings.QUERELA["SMTP_PORT"])
        parser.add_argument("--max-size", type=int, default=settings.QUERELA["SMTP_MAX_BYTES"])

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"Inbound SMTP on {opts['host']}:{opts['port']}")
        serve_forever(
            opts["host"],
            opts["port"],
            accepts_recipient=accepts_recipient,
            store_raw=smtp_store,
            max_size=opts["max_size"],
        )
