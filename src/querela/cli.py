"""The `querela` console command for operators. Wraps Django's management commands with a short help."""

from __future__ import annotations

import os
import sys

HELP = """usage: querela COMMAND [options]

Querela operator commands:
  serve                      run web server, background worker and inbound SMTP (what `make run` does)
  migrate                    create or upgrade the database
  seed_demo                  create the demo suppliers, staff, customers and complaints (once)
  audit verify [--tenant X]  check the audit hash chains; reports the first broken link
  deadlines check FILE       run deadline conformance cases; ends with `N passed, M failed`
  intake parse FILE --json   parse one e-mail and print what Querela reads from it
  intake check DIR           run e-mail conformance pairs; ends with `N passed, M failed`
  instructions list --tenant X
                             a supplier's work instructions, one a line: code, category, title, steps
  orgchart import --tenant X FILE.csv [--dry-run]
                             import a supplier's org chart (departments, jobs, holders, deputies),
                             all or nothing; errors by row number
  privacy purge [--tenant X] [--dry-run]
                             remove what each supplier's retention schedule says is due (a dry run
                             only counts); prints per document type: due, removed, oldest kept
  mfa reset USERNAME --reason TEXT
                             remove a person's authenticator app (two-step sign-in); staff set
                             up a new one at their next sign-in, audited with the reason
  smtpd                      run only the inbound SMTP server
  run_huey                   run only the background worker
  sweep_deadlines            run the deadline sweep once (reminders, breaches)
  permissions_doc            regenerate docs/permissions.md from the permission table
  createsuperuser, shell, …  any Django management command

Configuration comes from environment variables: DATABASE_URL, REDIS_URL, QUERELA_SECRET_KEY,
QUERELA_S3_BUCKET, QUERELA_EMAIL_HOST, … (see README.md). Settings module: DJANGO_SETTINGS_MODULE
(default querela.settings.embedded; use querela.settings.production in production).
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(HELP)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "querela.settings.embedded")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["querela", *args])


if __name__ == "__main__":
    main()
