#!/usr/bin/env bash
# Speed targets live here, never in timed unit tests. Bounded: each part has its own time limit.
# BENCH_SIZES=20000 for a quick run (default: 100,000 and 1,000,000 complaints); BENCH_ONLY=main skips the
# small component benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_ONLY:-}" = main ]; then
  exec timeout "${BENCH_TIMEOUT:-90m}" .venv/bin/python benchmarks/bench_intake.py
fi
echo "== deadline engine =="
.venv/bin/python benchmarks/bench_deadlines.py
echo "== deadline sweep: cost follows complaints due, not total =="
.venv/bin/python benchmarks/bench_sweep.py
PG="${QUERELA_BENCH_DATABASE_URL:-}"
if [ -z "$PG" ] && pg_isready -h 127.0.0.1 -q 2>/dev/null; then PG="postgres://postgres@127.0.0.1:5432/querela_bench"; fi
if [ -n "$PG" ]; then
  psql "${PG%/*}/postgres" -qc "CREATE DATABASE ${PG##*/}" 2>/dev/null || true
  QUERELA_BENCH_DATABASE_URL="$PG" .venv/bin/python benchmarks/bench_sweep.py
fi
if [ -n "$PG" ]; then
  echo "== call-center console on a million customers (PostgreSQL) =="
  CONSOLE_DB="${PG%/*}/querela_bench_console"
  psql "${PG%/*}/postgres" -qc "CREATE DATABASE querela_bench_console" 2>/dev/null || true
  QUERELA_BENCH_DATABASE_URL="$CONSOLE_DB" .venv/bin/python benchmarks/bench_console.py
fi
echo "== e-mail parser on 10 MB of hostile input =="
.venv/bin/python benchmarks/bench_hostile_mail.py
echo "== e-mail intake =="
.venv/bin/python benchmarks/bench_email.py
if [ -n "$PG" ]; then QUERELA_BENCH_DATABASE_URL="$PG" .venv/bin/python benchmarks/bench_email.py; fi
echo "== intake, reads and jobs next to the peer (django-helpdesk 2.6.1) and PostgreSQL's own rate =="
if pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  timeout "${BENCH_TIMEOUT:-90m}" .venv/bin/python benchmarks/bench_intake.py
else
  echo "PostgreSQL is not answering on 127.0.0.1:5432: the main table needs it (and pgbench, from Debian's postgresql-15)."
  exit 1
fi
echo "== intake with more processes: 1 web + 1 worker against 2 + 2 (PostgreSQL, Redis) =="
.venv/bin/python benchmarks/bench_scaling.py
echo "== the back office's pages on the largest dataset: worklist, filters, keyset page, search, case file =="
QUERELA_BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:5432/querela_bench" .venv/bin/python benchmarks/bench_worklist.py
