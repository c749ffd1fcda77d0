#!/usr/bin/env bash
# Speed targets live here, never in timed unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
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
echo "== e-mail parser on 10 MB of hostile input =="
.venv/bin/python benchmarks/bench_hostile_mail.py
echo "== e-mail intake =="
.venv/bin/python benchmarks/bench_email.py
if [ -n "$PG" ]; then QUERELA_BENCH_DATABASE_URL="$PG" .venv/bin/python benchmarks/bench_email.py; fi
