from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from querela.core.errors import QuerelaError
from querela.mfa.services import reset_from_command_line


class Command(BaseCommand):
    help = "Two-step sign-in: `mfa reset USERNAME --reason TEXT` removes a person's authenticator app."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        reset = sub.add_parser(
            "reset",
            help="remove a person's authenticator app and recovery codes (a platform operator who lost theirs); "
            "staff set up a new one at their next sign-in",
        )
        reset.add_argument("username")
        reset.add_argument("--reason", required=True, help="kept in the audit log")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            reset_from_command_line(username=str(opts["username"]), reason=str(opts["reason"]))
        except QuerelaError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Two-step sign-in of {opts['username']} reset.")
