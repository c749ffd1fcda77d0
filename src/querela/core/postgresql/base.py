"""Django's PostgreSQL backend with two additions: a schema editor that keeps later migrations working on
a schema distributed by tenant (`querela sharding apply`), and the tenant told to the connection for the
row-level security policies (`core/row_security.py`)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base

from querela.core import row_security

from .schema import DatabaseSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._told: tuple[str, str] | None = None  # what this connection was last told; None: not known
        self.execute_wrappers.append(self._tell_tenant)

    def _tell_tenant(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        want = row_security.wanted()
        if want != self._told:
            # On a plain cursor of the driver's connection: not one of the request's statements (query
            # budgets), and run now even when the statement's own cursor is a server-side one (which
            # would only DECLARE it).
            with self.connection.cursor() as cursor:
                row_security.tell(cursor, want)
            self._told = want
        return execute(sql, params, many, context)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        self._told = None
        return super().get_new_connection(conn_params)

    # A rollback undoes a set_config made in its transaction: tell the connection again next time.
    # (After the rollback: the ROLLBACK TO SAVEPOINT statement itself must not be preceded by a set_config
    # in the failed transaction.)
    def _rollback(self) -> None:
        super()._rollback()  # type: ignore[misc]
        self._told = None

    def _savepoint_rollback(self, sid: str) -> None:
        super()._savepoint_rollback(sid)  # type: ignore[misc]
        self._told = None
