"""Django's PostgreSQL backend with a schema editor that keeps later migrations working on a schema
distributed by tenant (`querela sharding apply`)."""

from __future__ import annotations

from django.db.backends.postgresql import base

from .schema import DatabaseSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
