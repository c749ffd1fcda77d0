"""A fresh process (the web server, a worker) queues answers by e-mail without importing intake itself."""

from __future__ import annotations

import subprocess
import sys


def test_the_outbound_mail_handler_is_registered_at_start_up() -> None:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'querela.settings.test'); django.setup();"
        "from querela.complaints import hooks; print(sorted(f.__module__ for f in hooks._outbound_handlers))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # E-mail answers are queued by intake; answers on the message wall are posted there (postroom); every
    # letter is kept as a PDF, and letters by post join the print room's batch (printing).
    assert out.strip() == str(sorted(["querela.intake.outbound", "querela.postroom.wall", "querela.printing.services"]))
