#!/usr/bin/env bash
# The whole suite: SQLite always; PostgreSQL and Redis too in CI or when configured (then mandatory).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh || { echo "installing system packages failed"; exit 1; }
# axe-core (from the npm registry) is injected into pages by the browser tests.
if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error) || { [ "${CI:-}" = true ] && { echo "npm ci failed"; exit 1; }; }
  else
    echo "npm not found: the accessibility checks will skip (install Node.js and npm)."
  fi
fi
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -n 2 --dist loadfile)
status=0

echo "== test suite on SQLite =="
env -u QUERELA_TEST_DATABASE_URL "${PYTEST[@]}" tests || status=1

PG_URL="${QUERELA_TEST_DATABASE_URL:-}"
if [ -z "$PG_URL" ] && [ "${CI:-}" = true ]; then
  # An ordinary role, as production must use: a superuser would bypass row-level security.
  PG_URL=$(.venv/bin/python scripts/pg_app_role.py postgres://postgres@127.0.0.1:5432/postgres querela_app) \
    || { echo "could not create the PostgreSQL role querela_app"; exit 1; }
fi
if [ -n "$PG_URL" ]; then
  echo "== test suite on PostgreSQL ($PG_URL) =="
  # Pure modules (date maths, MIME parsing) don't touch the database: run once, above. So do the
  # browser tests: they check pages, axe-core and keyboard use, which no database changes; every
  # service and view under them runs on PostgreSQL in the rest of the suite.
  QUERELA_TEST_DATABASE_URL="$PG_URL" "${PYTEST[@]}" -m "not pure and not browser" tests || status=1
else
  echo "== PostgreSQL suite not run: set QUERELA_TEST_DATABASE_URL (CI=true runs it against 127.0.0.1:5432) =="
fi
exit $status
