"""`querela serve` (what `make run` starts): migrate, seed the demo once, then run the web server,
the background worker and the inbound SMTP server until Ctrl-C."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from querela.demo.data import DEMO_PASSWORD
from querela.demo.seed import demo_logins
from querela.ops.supervisor import ChildSpec, Supervisor

LOOPBACK_OR_ANY = frozenset({"127.0.0.1", "::1", "0.0.0.0", "::"})  # noqa: S104 - names, compared, not bound


class Command(BaseCommand):
    help = "Run Querela: web (gunicorn), background worker (huey) and inbound SMTP, with demo data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("QUERELA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("QUERELA_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="do not seed the demo data")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **opts: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not opts["no_demo"]:
            call_command("seed_demo", verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "querela.settings.embedded"),
        }
        manage = [sys.executable, "-m", "querela.cli"]
        specs = [
            # Without the web server nothing is usable: if it keeps crashing, the whole run stops.
            ChildSpec(
                "web",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "querela.wsgi:application",
                    "--bind",
                    f"{opts['host']}:{opts['port']}",
                    "--workers",
                    str(opts["workers"]),
                    "--threads",
                    "4",
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "5",
                ],
                env,
                required=True,
            ),
            ChildSpec("worker", [*manage, "run_huey", "--quiet"], env),
        ]
        if _has_command("smtpd"):
            specs.append(ChildSpec("smtpd", [*manage, "smtpd"], env))
        # Loopback is printed as "localhost": security keys (WebAuthn) work for a domain name, never for an
        # address such as 127.0.0.1, and every browser resolves localhost to loopback.
        shown_host = "localhost" if opts["host"] in LOOPBACK_OR_ANY else opts["host"]
        url = f"http://{shown_host}:{opts['port']}/"
        # Until Ctrl-C/SIGTERM: a part that dies is restarted alone, with back-off (see ops/supervisor.py).
        status = Supervisor(specs, log=self._log).run(on_started=lambda: self._banner(url))
        self.stdout.write("Querela stopped.")
        if status:
            raise CommandError("a part of Querela kept failing; see the supervisor lines above", returncode=status)

    def _log(self, message: str) -> None:
        # Plain, not the error colour: most lines are "started web (pid …)".
        self.stderr.write(f"{time.strftime('%H:%M:%S')} supervisor: {message}", style_func=str)

    def _banner(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Querela is running at {url}"))
        self.stdout.write(
            f"API docs: {url}api/v1/docs/   "
            f"inbound SMTP: {settings.QUERELA['SMTP_HOST']}:{settings.QUERELA['SMTP_PORT']}"
        )
        self.stdout.write(f"Public sites (no login): {url}p/OPT/  {url}p/KVK/  {url}p/INV/  {url}p/FRN/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, tenant in demo_logins():
            self.stdout.write(f"  {username:<22} {role:<18} {tenant}")
        self.stdout.write(
            "Staff sign in in two steps: the first sign-in sets up an authenticator app (any TOTP app) "
            "or a security key or passkey (open the site as localhost for those)."
        )
        self.stdout.write("Press Ctrl-C to stop.")


def _has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()
