"""Inside the peer's venv: migrate django-helpdesk's database, then add the staff user and one queue.

Started by peer.ensure_installed() with the site folder on PYTHONPATH; idempotent.
"""

from __future__ import annotations

import argparse
import os

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.core.management import call_command  # noqa: E402
from helpdesk.models import Queue  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", required=True)
    ap.add_argument("--queue", required=True)
    args = ap.parse_args()

    call_command("migrate", interactive=False, verbosity=0)
    # helpdesk puts the site's domain into ticket links and mails
    Site.objects.filter(id=1).update(domain="127.0.0.1", name="Querela bench peer")
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=args.user,
        defaults={"email": "staff@example.invalid", "first_name": "Bench", "last_name": "Staff"},
    )
    user.is_staff = True
    user.is_active = True
    if not user.check_password(os.environ["PEER_STAFF_PASSWORD"]):
        user.set_password(os.environ["PEER_STAFF_PASSWORD"])
    user.save()
    Queue.objects.get_or_create(
        slug=args.queue,
        defaults={"title": "Complaints", "allow_public_submission": False, "allow_email_submission": False},
    )


if __name__ == "__main__":
    main()
