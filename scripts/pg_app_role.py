"""Create (once) the ordinary PostgreSQL role and database the test suite connects with, as a DBA would.

A superuser bypasses row-level security, so the suite runs as an ordinary role, as production must
(docs/deployment.md). The text functions Querela's lookups and searches use are marked LEAKPROOF in the
role's database and in template1 (so the test databases made from it have them): without that, PostgreSQL
uses no index for them under row-level security (core/row_security.py). Usage: pg_app_role.py <admin url>
<role>; prints the URL to use."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

LEAKPROOF = ("upper(text)", "textlike(text,text)", "ts_match_vq(tsvector,tsquery)")  # core/row_security.py


def main(admin_url: str, role: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(role)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [role]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(role), sql.Identifier(role)))
    parts = urlsplit(admin_url)
    for database in ("template1", role):
        with psycopg.connect(urlunsplit(parts._replace(path=f"/{database}")), autocommit=True) as conn:
            for function in LEAKPROOF:
                conn.execute(f"ALTER FUNCTION pg_catalog.{function} LEAKPROOF")
    host = parts.netloc.rsplit("@", 1)[-1]
    print(urlunsplit(parts._replace(netloc=f"{role}@{host}", path=f"/{role}")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
