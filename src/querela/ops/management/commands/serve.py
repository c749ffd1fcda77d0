"""`querela serve` (what `make run` starts): migrate, seed the demo once, then run the web server,
the background worker and the inbound SMTP server until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from querela.demo.data import DEMO_PASSWORD
from querela.demo.seed import demo_logins


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
        procs = {
            "web": subprocess.Popen(
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
                env=env,
            ),
            "worker": subprocess.Popen([*manage, "run_huey", "--quiet"], env=env),
        }
        if _has_command("smtpd"):
            procs["smtpd"] = subprocess.Popen([*manage, "smtpd"], env=env)
        url = f"http://{opts['host']}:{opts['port']}/"
        self._banner(url)
        stopping = False

        def stop(_sig: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                dead = [name for name, p in procs.items() if p.poll() is not None]
                if dead:
                    self.stderr.write(f"{', '.join(dead)} stopped unexpectedly; shutting down.")
                    break
                time.sleep(0.5)
        finally:
            for p in procs.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for p in procs.values():
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
            self.stdout.write("Querela stopped.")

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
        self.stdout.write("Press Ctrl-C to stop.")


def _has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()
