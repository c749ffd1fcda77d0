"""`querela sharding check|plan|apply|citus`: is the PostgreSQL schema ready to distribute by tenant?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from querela.ops import sharding


class Command(BaseCommand):
    help = (
        "Sharding by tenant (Citus). `check` lists every table or constraint that would not route to one shard "
        "(exit 1 when there is any); `plan` prints the SQL that makes the tenant tables distributable; `apply` "
        "runs it in one transaction; `citus` prints the create_distributed_table/create_reference_table calls."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["check", "plan", "apply", "citus"])

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Sharding is for PostgreSQL (Citus); this database is " + connection.vendor + ".")
        action = opts["action"]
        if action == "check":
            found = sharding.problems()
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} problem(s): the schema would not route every row to one shard.")
            self.stdout.write("Every tenant table is distributable by tenant_id.")
        elif action == "plan":
            for statement in sharding.plan():
                self.stdout.write(statement)
        elif action == "apply":
            statements = sharding.plan()
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            self.stdout.write(f"{len(statements)} statements applied.")
        else:
            for statement in sharding.distribution():
                self.stdout.write(statement)
