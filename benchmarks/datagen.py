"""The bench data generator: a realistic, seeded Querela dataset of any size, written with COPY.

    python benchmarks/datagen.py --database-url postgres://postgres@127.0.0.1:5432/querela_bench --size 100000
        [--seed 1] [--tenants 3] [--workers N] [--now YYYY-MM-DD] [--no-vacuum] [--quiet]
    generate(database_url, size, seed=1, tenants=3, progress=True, env=None, workers=0, now=None, vacuum=True)
        -> {"action": created|extended|unchanged, "seconds", "inserted": {table: rows}, "tables": {table: rows,
            "database_bytes"}, "phases": {...}, "cpu": {...}}

What it makes, per tenant (suppliers BHU, BRO, BPL, then BHT, BPC, BRB with `tenants` > 3; HU/RO/PL, each with
its own preset deadline policy, time zone and language):
  * staff with logins, password `bench-pass-2026` (PASSWORD): `<code>.agent`, `<code>.handler`,
    `<code>.supervisor` (the bench logins, e.g. `bhu.handler`), more agents/handlers/a supervisor
    (`<code>.handler2` …) and `<code>.admin`; memberships with departments. Every 10th customer has a
    consumer login (`<code>.consumer` is the first);
  * customers (about one per three complaints), one or two consumption places each, one meter per place;
    names, addresses and phones in the country's language, with the search keys the app keeps;
  * `size` complaints over all tenants, received over the last two years (HISTORY_DAYS) in the tenant's
    time zone, with references CODE-YYYY-NNNNNN gapless per tenant and year (ReferenceCounter matches).
    Each complaint is walked through its lifecycle as the services would do it (complaints/services.py,
    transitions.py, deadline_schedule.py, deadline_sweep.py): registration by e-mail intake, an agent
    (phone, post, in person, fax, message wall) or the customer (web); identification, information
    requests and replies, assignment, investigation, notes and messages, progress reports, extensions,
    answers (with the tenant's remedies footer), closing, reopening, escalation, redirection of
    non-complaints. A lifecycle is cut off at the dataset's "now", so recent complaints are open and old
    ones mostly closed, with some stuck ones. Every status occurs.
    Written for each: the complaint row, timeline entries, deadline events and steps (due dates from the
    real deadline engine under the tenant's policy; `remind_on`/`next_check_on` as the app stores them),
    about one attachment per 20 complaints (a few small real files under MEDIA_ROOT/attachments/bench/,
    shared by many rows), audit events, and what the deadline sweep would have done on the way (reminders,
    missed deadlines: notifications, flags, a timeline entry, audit events);
  * audit events sealed in chains as `querela audit seal` would (keyed content MACs and links computed with
    querela.audit.chain under the same keys as the bench server, one AuditSeal per AUDIT_SEAL_BATCH events,
    AuditChainHead, an anchor line per seal written with audit.anchors.anchor_write): `querela audit
    verify` passes.
Not generated: the mail tables (inbound/outbound e-mail), representatives, API tokens, audit events for
looking at personal data, and customer/place creation (treated as imported from the billing system).

Per complaint that is about 9 timeline entries, 8.4 audit events, 2.3 deadline events, 1.4 steps and 0.7
notifications: what the services write (a closed complaint alone has 7 audit events: registered, registered
by the automatic step, acknowledged, assigned, investigated, answered, closed). 1M complaints are about 24M
rows and 10 GB.

Runs: everything is computed in a subprocess with the bench environment (benchmarks/servers.py
`querela_env`, the same secret key, audit key, anchor directory and MEDIA_ROOT as the bench server; pass
`env` to change it). Lifecycles are simulated by `workers` forked processes (default: 2 at most; each
complaint has its own random generator, so the data do not depend on their number); the main process
merges their rows in time order (ids follow time, as in the app), chains and seals the audit events and
feeds COPY on one connection from a writer thread, in one transaction; foreign-key triggers are skipped for
the load (`session_replication_role = replica`; the rows are consistent by construction), indexes are kept.
Then sequences are moved past the new ids, and the database is VACUUMed and ANALYZEd (`vacuum=False`: only
ANALYZE), so a benchmark neither writes hint bits on its first reads nor meets an autovacuum of the new
rows. Bench tenants get ids of their own per database name (anchor files are named CODE-ID, and bench
databases share the anchor directory).

Idempotent-ish: a table `bench_datagen` records seed, tenants, size and the dataset's "now".
  * same seed and tenants, size <= recorded: nothing is done ("unchanged");
  * same seed and tenants, larger size: complaints (and customers, in proportion) are added up to the size
    ("extended"): existing rows are kept, chains and reference counters continue, the new complaints are
    spread over the same two years with the recorded "now". The result is valid, not byte-identical to a
    fresh run of the larger size;
  * another seed or tenant count: refused (use a fresh database).
The same seed, size and "now" give the same rows (but password salts and the tenants' created_at); "now" is
recorded on the first run: `now` (YYYY-MM-DD) at 05:00 UTC, by default today's. A fresh database must not
already have the bench tenants; anchor files left by a dropped database of the same name (same tenant code
and id) are moved aside (`*.stale-<time>`).
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import hmac
import json
import multiprocessing as mp
import os
import queue
import random
import resource
import subprocess
import sys
import threading
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import datagen_text as text  # noqa: E402

PASSWORD = "bench-pass-2026"  # noqa: S105 -- the published bench login
MARKER = "bench_datagen"
VERSION = 1
HISTORY_DAYS = 730
CUSTOMERS_PER_COMPLAINT = 1 / 3

US = 1_000_000
MIN = 60 * US
HOUR = 60 * MIN
DAY = 24 * HOUR
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

ELECTRICITY_CATEGORIES = {
    "billing": 40, "metering": 20, "supply": 15, "contract": 10, "staff_conduct": 5, "damage": 5, "other": 5,
}  # fmt: skip
PRODUCT_CATEGORIES = {"product": 55, "service": 25, "contract": 8, "billing": 7, "other": 5}
TENANTS: list[dict[str, Any]] = [
    {"code": "BHU", "name": "Alföldi Áramszolgáltató Zrt. (bench)", "country": "HU", "sector": "electricity",
     "policy": "hu-electricity", "services": ["electricity"], "weight": 0.45, "categories": ELECTRICITY_CATEGORIES,
     "departments": [("billing", "Számlázás"), ("metering", "Mérés"), ("network", "Hálózatüzemeltetés")]},
    {"code": "BRO", "name": "Furnizorul Bench de Energie S.A.", "country": "RO", "sector": "electricity",
     "policy": "ro-energy", "services": ["electricity"], "weight": 0.35, "categories": ELECTRICITY_CATEGORIES,
     "departments": [("facturare", "Facturare"), ("masurare", "Măsurare"), ("contracte", "Contracte")]},
    {"code": "BPL", "name": "Falownik Bench Sp. z o.o.", "country": "PL", "sector": "product_service",
     "policy": "pl-inverter-vendor", "services": ["product"], "weight": 0.20, "categories": PRODUCT_CATEGORIES,
     "departments": [("serwis", "Zarządzanie serwisem"), ("wsparcie", "Wsparcie techniczne")]},
    {"code": "BHT", "name": "Bench Távhő és Víziközmű Kft.", "country": "HU", "sector": "district_heating",
     "policy": "hu-utility", "services": ["district_heating", "hot_water", "water"], "weight": 0.25,
     "categories": ELECTRICITY_CATEGORIES, "departments": [("tavho", "Távhő"), ("viz", "Víziközmű")]},
    {"code": "BPC", "name": "Sklep Bench Energia Sp. z o.o.", "country": "PL", "sector": "product_service",
     "policy": "pl-consumer", "services": ["product"], "weight": 0.15, "categories": PRODUCT_CATEGORIES,
     "departments": [("reklamacje", "Reklamacje")]},
    {"code": "BRB", "name": "Distribuție Bench S.R.L.", "country": "RO", "sector": "electricity",
     "policy": "ro-bill-dispute", "services": ["electricity"], "weight": 0.2, "categories": ELECTRICITY_CATEGORIES,
     "departments": [("facturare", "Facturare")]},
]  # fmt: skip
TIME_ZONES = {"HU": "Europe/Budapest", "PL": "Europe/Warsaw", "RO": "Europe/Bucharest"}
STAFF = (("agent", 3), ("handler", 8), ("supervisor", 2), ("tenant_admin", 1))

# How complaints arrive (weights) and where each eventually ends if nothing cuts it off.
CHANNELS = {"email": 40, "phone": 24, "web": 15, "post": 12, "in_person": 5, "fax": 1, "message_wall": 3}
TARGETS = {
    "closed": 78.0, "answered": 6.5, "redirected": 8.0, "reopened": 1.2, "escalated": 0.8, "awaiting_info": 2.0,
    "received": 0.6, "investigating": 0.9, "assigned": 0.6, "registered": 0.4,
}  # fmt: skip
NON_COMPLAINT_KINDS = {
    "information_request": 25, "technical_fault": 25, "data_change": 12, "equity_request": 10, "balance_query": 10,
    "bill_copy": 8, "meter_reading": 6, "other": 4,
}  # fmt: skip
OPEN = frozenset({"received", "awaiting_info", "registered", "assigned", "investigating", "reopened", "escalated"})
FINISHED = frozenset({"answered", "closed", "redirected"})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {}  # filled from querela.complaints.workflow


def _weighted(table: dict[str, float]) -> tuple[list[str], list[float]]:
    keys = list(table)
    total, cum = 0.0, []
    for k in keys:
        total += table[k]
        cum.append(total)
    return keys, [c / total for c in cum]


def _pick(rng: random.Random, table: tuple[list[str], list[float]]) -> str:
    keys, cum = table
    r = rng.random()
    for k, c in zip(keys, cum, strict=True):
        if r < c:
            return k
    return keys[-1]


# --- entry points ------------------------------------------------------------------------------------------


def generate(
    database_url: str,
    size: int,
    *,
    seed: int = 1,
    tenants: int = 3,
    progress: bool = True,
    env: dict[str, str] | None = None,
    workers: int = 0,
    now: str | None = None,
    vacuum: bool = True,
) -> dict[str, Any]:
    """Create or extend the bench dataset (see the module docstring); returns counts per table and seconds.

    Runs in a subprocess with servers.querela_env(database_url, env), so the audit chain is keyed, anchored
    and the attachment files stored exactly where the bench server looks."""
    import servers

    if not 1 <= tenants <= len(TENANTS):
        raise ValueError(f"tenants must be 1 to {len(TENANTS)}")
    python = servers.VENV_BIN / "python"
    cmd = [
        str(python if python.exists() else sys.executable),
        str(Path(__file__).resolve()),
        "--child",
        "--database-url",
        database_url,
        "--size",
        str(size),
        "--seed",
        str(seed),
        "--tenants",
        str(tenants),
    ]
    if not progress:
        cmd.append("--quiet")
    if workers:
        cmd += ["--workers", str(workers)]
    if now:
        cmd += ["--now", now]
    if not vacuum:
        cmd.append("--no-vacuum")
    proc = subprocess.run(  # noqa: S603 -- this very script, fixed arguments
        cmd, cwd=servers.ROOT, env=servers.querela_env(database_url, env), stdout=subprocess.PIPE, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"datagen failed ({proc.returncode}); its output is above")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", type=int, required=True, help="complaints in total (over all tenants)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--workers", type=int, default=0, help="processes making complaints (default: 2 at most)")
    parser.add_argument("--now", help="the dataset's today (YYYY-MM-DD) for a new dataset; default: today")
    parser.add_argument("--no-vacuum", action="store_true", help="only ANALYZE at the end, no VACUUM")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _worker(args)
        return
    result = generate(
        args.database_url,
        args.size,
        seed=args.seed,
        tenants=args.tenants,
        progress=not args.quiet,
        workers=args.workers,
        now=args.now,
        vacuum=not args.no_vacuum,
    )
    print(json.dumps(result, indent=2))


def _worker(args: argparse.Namespace) -> None:
    if os.environ.get("DATABASE_URL") != args.database_url:
        raise SystemExit("datagen: run through generate() / the CLI, which sets the bench environment")
    import django

    django.setup()
    workers = args.workers or min(2, os.cpu_count() or 1)
    gen = _Generator(
        args.database_url, args.size, args.seed, args.tenants, not args.quiet, workers, args.now, not args.no_vacuum
    )
    result = gen.run()
    sys.stdout.write(json.dumps(result) + "\n")


# --- small fast helpers ------------------------------------------------------------------------------------


def iso(t: int) -> str:
    return (EPOCH + timedelta(microseconds=t)).isoformat()


def esc(s: str) -> str:
    """A value in COPY's text format."""
    if "\\" in s:
        s = s.replace("\\", "\\\\")
    if "\n" in s:
        s = s.replace("\n", "\\n")
    if "\t" in s:
        s = s.replace("\t", "\\t")
    if "\r" in s:
        s = s.replace("\r", "\\r")
    return s


def tsn(t: int | None) -> str:
    return "\\N" if t is None else iso(t)


_DECISIONS = ("upheld", "partly_upheld", "rejected")


def _decision(L: Any) -> str:
    """What an answered complaint decided (complaints 0009), spread evenly; blank while open."""
    return _DECISIONS[L.id % 3] if L.status in ("answered", "closed") else ""


def nz(v: object) -> str:
    return "\\N" if v is None else str(v)


_JSON_CACHE: dict[tuple[tuple[str, Any], ...], str] = {}


def _data_json(data: dict[str, Any] | tuple[tuple[str, Any], ...] | None) -> str:
    """A timeline entry's `data`, for COPY; the few shapes given as tuples of pairs are cached."""
    if not data:
        return "{}"
    if isinstance(data, tuple):
        s = _JSON_CACHE.get(data)
        if s is None:
            s = _JSON_CACHE[data] = esc(jdump(dict(data)))
        return s
    return esc(jdump(data))


_json_str = json.encoder.encode_basestring  # what json.dumps uses, ensure_ascii=False


def jdump(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)


_DATES: dict[int, date] = {}


def day_date(day: int) -> date:
    d = _DATES.get(day)
    if d is None:
        d = _DATES[day] = date.fromordinal(EPOCH_ORDINAL + day)
    return d


def date_day(d: date) -> int:
    return d.toordinal() - EPOCH_ORDINAL


class _Zone:
    """UTC microseconds ↔ local days of one time zone, from a table of UTC offsets per hour."""

    def __init__(self, name: str, start: int, end: int) -> None:
        from zoneinfo import ZoneInfo

        self.name = name
        self.info = ZoneInfo(name)
        self.h0 = start // HOUR
        self.offsets = [
            int(datetime.fromtimestamp(h * 3600, tz=self.info).utcoffset().total_seconds()) * US
            for h in range(self.h0, end // HOUR + 1)
        ]

    def off(self, t: int) -> int:
        return self.offsets[t // HOUR - self.h0]

    def local(self, t: int) -> int:
        return t + self.offsets[t // HOUR - self.h0]

    def day(self, t: int) -> int:
        return (t + self.offsets[t // HOUR - self.h0]) // DAY

    def midnight(self, day: int) -> int:
        local = day * DAY
        return local - self.off(local - self.off(local))

    def at(self, day: int, local_us: int) -> int:
        """UTC moment of a local time of day."""
        local = day * DAY + local_us
        return local - self.off(local - self.off(local))


class _Buffer:
    def __init__(self, gen: _Generator, table: str, columns: str) -> None:
        self.gen, self.table, self.columns = gen, table, columns
        self.lines: list[str] = []
        self.rows = 0

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= 20000 and self.gen.writer is not None:
            self.flush()

    def flush(self) -> None:
        if self.lines and self.gen.writer is not None:
            self.rows += len(self.lines)
            self.gen.writer.put(self.table, self.columns, "".join(self.lines).encode())
            self.lines = []


class _Writer(threading.Thread):
    """Feeds COPY on one connection while the main thread computes the next rows."""

    def __init__(self, conn: Any) -> None:
        super().__init__(daemon=True, name="datagen-copy")
        self.conn = conn
        self.queue: queue.Queue[tuple[str, str, bytes] | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.copy_seconds = 0.0

    def put(self, table: str, columns: str, data: bytes) -> None:
        while True:
            if self.error is not None:
                raise RuntimeError(f"COPY into {table} failed") from self.error
            try:
                self.queue.put((table, columns, data), timeout=1)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        with self.conn.cursor() as cur:
            while (item := self.queue.get()) is not None:
                if self.error is not None:
                    continue
                table, columns, data = item
                began = time.perf_counter()
                try:
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        copy.write(data)
                except BaseException as exc:
                    self.error = exc
                self.copy_seconds += time.perf_counter() - began

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise RuntimeError("COPY failed") from self.error


class _Actor:
    __slots__ = ("department_id", "email", "ip", "label", "role", "user_id", "username")

    def __init__(self, user_id: int | None, label: str, role: str, ip: str = "", email: str = "", dept=None) -> None:
        self.user_id, self.label, self.role, self.ip, self.email = user_id, label, role, ip, email
        self.department_id: int | None = dept
        self.username = ""

    def as_system(self) -> _Actor:
        """complaints.timeline.as_system: the same user, role system; a person's name becomes "system"."""
        label = self.label if self.user_id is None else "system"
        return _Actor(self.user_id, label, "system", self.ip)


class _AuditEvent:
    """What querela.audit.chain.payload reads."""

    __slots__ = ("action", "actor_id", "actor_label", "actor_role", "at", "changes", "ip", "object_id", "object_type",
                 "tenant_id")  # fmt: skip

    def __init__(
        self, tenant_id: int, at: datetime, actor: _Actor, label: str, ip: str, action: str, object_id: str,
        changes: dict[str, Any],
    ) -> None:  # fmt: skip
        self.tenant_id, self.at, self.actor_id, self.actor_label = tenant_id, at, actor.user_id, label
        self.actor_role, self.ip, self.action, self.object_type = actor.role, ip, action, "complaint"
        self.object_id, self.changes = object_id, changes


class _Step:
    __slots__ = ("done_at", "due", "missed_at", "name", "next_check", "remind_on", "reminded_at")

    def __init__(self, name: str) -> None:
        self.name = name
        self.due: date | None = None
        self.done_at: int | None = None
        self.remind_on: date | None = None
        self.reminded_at: int | None = None
        self.missed_at: int | None = None
        self.next_check: date | None = None


def next_check(step: _Step) -> date | None:
    """complaints.deadline_schedule.next_check."""
    if step.done_at is not None or step.due is None or step.missed_at is not None:
        return None
    if step.reminded_at is None and step.remind_on is not None and step.remind_on <= step.due:
        return step.remind_on
    return step.due + timedelta(days=1)


class _Tenant:
    """A tenant's constants and running state (references, chain) during a run."""

    def __init__(self, idx: int, spec: dict[str, Any], row: Any) -> None:
        self.idx, self.spec, self.row = idx, spec, row
        self.id: int = row.pk
        self.code: str = row.code
        self.country: str = row.country
        self.lang = text.LANGUAGE[self.country]
        self.categories = _weighted(spec["categories"])
        self.staff: dict[str, list[_Actor]] = {}
        self.departments: list[int] = []
        self.counters: dict[int, int] = {}
        self.seq = 0
        self.prev = "0" * 64
        self.seal_first = 1
        self.seal_count = 0
        self.customers: list[tuple[Any, ...]] = []
        self.customer_ids: list[int] = []
        self.place_ids: list[int] = []
        self.user_ids: dict[int, int] = {}
        self.zone: _Zone
        self.policy: Any  # querela.deadlines.policies.Policy
        self.cal: Any  # querela.deadlines.calendar.BusinessCalendar
        self.tr: dict[str, str] = {}  # the app's strings in the tenant's language
        self.step_names: dict[str, str] = {}
        self.reasons: dict[str, str] = {}
        self.long_date: Any = None
        self.supervisor_emails: list[str] = []


class _Life:
    """One complaint while its lifecycle is simulated."""

    __slots__ = (
        "T",
        "answer_due",
        "assignee",
        "call_recording",
        "category",
        "channel",
        "contact_email",
        "contact_name",
        "contact_phone",
        "created_at",
        "created_by",
        "cust",
        "cust_ids",
        "customer_id",
        "deemed",
        "department_id",
        "description",
        "ekind",
        "events",
        "id",
        "kind",
        "kind_confirmed",
        "needs_attention",
        "notified",
        "place_id",
        "received",
        "recv_canon",
        "recv_day",
        "redirect_explanation",
        "ref",
        "reply_channel",
        "status",
        "steps",
        "subject",
        "tick",
        "updated_at",
    )  # fmt: skip


# --- the generator -----------------------------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        database_url: str,
        size: int,
        seed: int,
        tenants: int,
        progress: bool,
        workers: int,
        now: str | None,
        vacuum: bool,
    ) -> None:
        self.url, self.size, self.seed, self.n_tenants, self.progress = database_url, size, seed, tenants, progress
        self.workers = workers
        self.now_arg = now
        self.vacuum = vacuum
        self.inserted: dict[str, int] = {}
        self.anchors: list[tuple[str, Any]] = []

    # ---- orchestration

    def run(self) -> dict[str, Any]:
        import psycopg

        began = time.perf_counter()
        self.conn = psycopg.connect(self.url)
        marker = self._marker()
        if marker is not None:
            if marker["seed"] != self.seed or marker["tenants"] != self.n_tenants:
                raise SystemExit(
                    f"datagen: the database holds a bench dataset of seed {marker['seed']} with {marker['tenants']} "
                    f"tenants; asked for seed {self.seed} with {self.n_tenants}: use a fresh database"
                )
            if marker["size"] >= self.size:
                tables = self._counts()
                self.conn.close()
                return {"action": "unchanged", "size": marker["size"], "seed": self.seed, "now": iso(marker["now"]),
                        "inserted": {}, "tables": tables, "seconds": round(time.perf_counter() - began, 1)}  # fmt: skip
        self.now = marker["now"] if marker else self._default_now()
        if marker is None and self.now_arg:
            self.now = date_day(date.fromisoformat(self.now_arg)) * DAY + 5 * HOUR
        self.old_size = marker["size"] if marker else 0
        self.batches: dict[str, list[dict[str, int]]] = marker["batches"] if marker else {}
        self._django_setup(fresh=marker is None)
        self._load_state()
        self.writer: _Writer | None = None
        self._make_buffers()
        t_customers = time.perf_counter()
        self._customers()  # its rows wait in the buffers until the writer starts
        t_complaints = time.perf_counter()
        self._prepare_complaints()
        # The workers are forked now, while this process has no other thread and no open connection.
        from django.db import connections

        connections.close_all()
        self.conn.close()
        global _GENERATOR
        _GENERATOR = self
        pool = mp.get_context("fork").Pool(self.workers) if self.workers > 1 else None
        try:
            self.conn = psycopg.connect(self.url)
            self.conn.execute("SET synchronous_commit = off")
            superuser = self.conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
            if superuser and superuser[0]:
                self.conn.execute("SET session_replication_role = replica")  # no FK triggers during the load
            self.writer = _Writer(self.conn)
            self.writer.start()
            self._complaints(pool)
        finally:
            if pool is not None:
                pool.terminate()
        t_finish = time.perf_counter()
        for buf in self.buffers.values():
            buf.flush()
        self.writer.finish()
        for buf in self.buffers.values():
            self.inserted[buf.table] = self.inserted.get(buf.table, 0) + buf.rows
        self._finish()
        self.conn.execute("RESET session_replication_role")
        self.conn.commit()
        backend_cpu = self._backend_cpu()
        self._write_anchors()
        t_analyze = time.perf_counter()
        self.conn.autocommit = True
        # VACUUM too: it sets the hint bits and the visibility map now, instead of the first benchmark's reads
        # (which would write every page) and an autovacuum of the fresh rows (which would run during it).
        self.conn.execute("VACUUM (ANALYZE)" if self.vacuum else "ANALYZE")
        tables = self._counts()
        self.conn.close()
        end = time.perf_counter()
        return {
            "action": "extended" if self.old_size else "created",
            "size": self.size,
            "seed": self.seed,
            "now": iso(self.now),
            "inserted": self.inserted,
            "tables": tables,
            "seconds": round(end - began, 1),
            "phases": {
                "setup": round(t_customers - began, 1),
                "customers": round(t_complaints - t_customers, 1),
                "complaints": round(t_finish - t_complaints, 1),
                "finish": round(t_analyze - t_finish, 1),
                "vacuum_analyze": round(end - t_analyze, 1),
                "copy_busy": round(self.writer.copy_seconds, 1),  # the COPY thread's time in COPY
                "waited_for_workers": round(self.waited, 1),
            },
            # CPU seconds, to judge a run on a busy machine: this process (and its COPY thread), the workers,
            # and the PostgreSQL backend that took the COPY (when it runs on this machine).
            "cpu": {
                "main": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime
                              + resource.getrusage(resource.RUSAGE_SELF).ru_stime, 1),
                "workers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                                 + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime, 1),
                "postgres": backend_cpu,
            },
        }  # fmt: skip

    def _backend_cpu(self) -> float | None:
        try:
            stat = Path(f"/proc/{self.conn.info.backend_pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)
        except (OSError, ValueError, IndexError):
            return None

    def _default_now(self) -> int:
        """Today 05:00 UTC (yesterday's before then): the same data all day, and never in the future."""
        wall = int(time.time() * US)
        now = wall // DAY * DAY + 5 * HOUR
        return now if now <= wall else now - DAY

    def _marker(self) -> dict[str, Any] | None:
        with self.conn.cursor() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER} (id int PRIMARY KEY, data jsonb NOT NULL,"
                " updated timestamptz NOT NULL DEFAULT now())"
            )
            self.conn.commit()
            cur.execute(f"SELECT data FROM {MARKER} WHERE id = 1")  # noqa: S608
            row = cur.fetchone()
        return row[0] if row else None

    def _counts(self) -> dict[str, int]:
        tables = [
            "tenants_tenant", "auth_user", "tenants_membership", "customers_customer", "customers_consumptionplace",
            "customers_meter", "complaints_complaint", "complaints_timelineentry", "complaints_attachment",
            "complaints_deadlineevent", "complaints_deadlinestep", "complaints_notification",
            "complaints_referencecounter", "audit_auditevent", "audit_auditseal",
        ]  # fmt: skip
        with self.conn.cursor() as cur:
            counts = {}
            for t in tables:
                cur.execute(f"SELECT count(*) FROM {t}")  # noqa: S608
                counts[t] = cur.fetchone()[0]
            cur.execute("SELECT pg_database_size(current_database())")
            counts["database_bytes"] = cur.fetchone()[0]
        return counts

    # ---- Django side: tenants, staff, settings-derived constants

    def _django_setup(self, *, fresh: bool) -> None:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.db import connection

        from querela.audit import chain
        from querela.complaints import workflow
        from querela.complaints.deadline_policies import calendar_for, policy_for
        from querela.core import tenancy
        from querela.tenants.models import Department, Membership, Tenant

        for t in workflow.TRANSITIONS:
            TRANSITIONS[t.name] = (frozenset(str(s) for s in t.sources), str(t.target))
        self.chain = chain
        self.key_id = chain.key_id()
        self.audit_key = chain.audit_key()
        self.audit_n = 0
        self.seal_batch = int(settings.QUERELA.get("AUDIT_SEAL_BATCH", 5000))
        self.password_hash = make_password(PASSWORD)  # hashing is slow on purpose: once for every user
        User = get_user_model()
        start = self.now - (HISTORY_DAYS + 3650) * DAY
        self.tenants: list[_Tenant] = []
        specs = TENANTS[: self.n_tenants]
        if fresh:
            taken = list(Tenant.objects.filter(code__in=[s["code"] for s in specs]).values_list("code", flat=True))
            if taken:
                raise SystemExit(f"datagen: tenants {taken} exist but no dataset is recorded: use a fresh database")
        # Tenant ids of their own per database: anchor files are named CODE-ID, and bench databases share the
        # anchor directory; with ids 1, 2, 3 everywhere a fresh dataset would overwrite another one's anchors.
        db_name = urlsplit(self.url).path.lstrip("/")
        first_id = 1000 + zlib.crc32(db_name.encode()) % 90000 * 10
        for idx, spec in enumerate(specs):
            lang = text.LANGUAGE[spec["country"]]
            own_id = {} if Tenant.objects.filter(pk=first_id + idx).exists() else {"id": first_id + idx}
            row, created = Tenant.objects.get_or_create(
                code=spec["code"],
                defaults={
                    **own_id,
                    "name": spec["name"],
                    "country": spec["country"],
                    "sector": spec["sector"],
                    "default_language": lang,
                    "time_zone": TIME_ZONES[spec["country"]],
                    "mailbox": f"{spec['code'].lower()}@complaints.bench.querela.test",
                    "deadline_policy": spec["policy"],
                    "answer_footer": text.ANSWER_FOOTERS[lang],
                },
            )
            if created:
                with connection.cursor() as cur:
                    cur.execute(
                        "SELECT setval(pg_get_serial_sequence('tenants_tenant', 'id'), MAX(id)) FROM tenants_tenant"
                    )
            T = _Tenant(idx, spec, row)
            T.zone = _Zone(row.time_zone, start, self.now + 800 * DAY)
            if created:
                self._anchor_aside(row)
            with tenancy.tenant_scope(row):
                T.policy, _version = policy_for(row, row.deadline_policy, 0)
                T.cal = calendar_for(row, T.policy)
                depts = {d.code: d for d in Department.objects.all()}
                for code, name in spec["departments"]:
                    if code not in depts:
                        depts[code] = Department.objects.create(code=code, name=name)
                T.departments = [depts[c].pk for c, _n in spec["departments"]]
                for role, count in STAFF:
                    T.staff[role] = []
                    for n in range(count):
                        T.staff[role].append(self._staff(User, Membership, T, role, n))
            self._tenant_texts(T)
            self.tenants.append(T)

    def _staff(self, User: Any, Membership: Any, T: _Tenant, role: str, n: int) -> _Actor:
        short = "admin" if role == "tenant_admin" else role
        username = f"{T.code.lower()}.{short}{n + 1 if n else ''}"
        rng = random.Random(f"{self.seed}:{username}")
        first = rng.choice(text.FIRST_NAMES[T.country])
        last = rng.choice(text.LAST_NAMES[T.country])
        email = f"{username}@bench.querela.test"
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email, "password": self.password_hash},
        )
        dept = T.departments[n % len(T.departments)] if role == "handler" else None
        m = Membership.objects.filter(user=user).first()
        if m is None:
            m = Membership.objects.create(user=user, role=role, department_id=dept)
        label = user.get_full_name() or username
        ip = f"10.{T.idx + 1}.{('agent', 'handler', 'supervisor', 'tenant_admin').index(role) + 1}.{n + 10}"
        actor = _Actor(user.pk, label, role, ip, user.email, m.department_id)
        actor.username = username
        return actor

    def _anchor_aside(self, tenant: Any) -> None:
        from django.conf import settings

        path = Path(str(settings.QUERELA["AUDIT_ANCHOR_DIR"])) / f"{tenant.code}-{tenant.pk}.jsonl"
        if path.exists():
            aside = path.with_name(f"{path.name}.stale-{datetime.now(UTC):%Y%m%dT%H%M%S}")
            path.rename(aside)
            print(f"datagen: moved anchors of a dropped database aside: {aside}", file=sys.stderr)

    def _tenant_texts(self, T: _Tenant) -> None:
        """The app's own strings, translated into the tenant's language once (msgids as in the services)."""
        from django.utils import translation
        from django.utils.formats import date_format
        from django.utils.translation import gettext as _

        from querela.deadlines.texts import CONSUMER_SENTENCES, EXTENSION_REASON_NAMES, STEP_NAMES

        with translation.override(T.lang):
            T.tr = {
                "ack": _("We have registered your complaint under number %(ref)s."),
                "due": _(CONSUMER_SENTENCES["answer"]),
                "late": _(
                    "We are late: the answer was due on %(date)s. We apologise and will answer as soon as we can."
                ),
                "ask": _(
                    "We received your message. To investigate it we need to identify you and the consumption place: "
                    "please reply with your customer id (printed on your bill), the address of the consumption place "
                    "and, if you know it, the meter serial number."
                ),
                "not_identified": _("Not identified, and no automatic request for data was sent: ask the customer."),
                "soon_subject": _("%(ref)s is due on %(date)s"),
                "soon_body": _("The %(step)s of complaint %(ref)s is due on %(date)s."),
                "missed_subject": _("%(ref)s missed its %(step)s deadline (%(date)s)"),
                "flag_deemed_accepted": _("Not answered in time: the law treats it as accepted."),
                "body_deemed_accepted": _("Complaint %(ref)s was not answered in time: by law it is deemed accepted."),
                "flag_reschedule": _("Target date missed: explain the delay and give the customer a new date."),
                "body_reschedule": _(
                    "Complaint %(ref)s missed its target date: the customer must get an explanation and a new date."
                ),
                "flag_breach": _("Deadline missed: the supervisors have been told."),
                "body_breach": _("Complaint %(ref)s missed its deadline: it needs a supervisor's attention."),
                "reason": _("Reason for the extension: %(reason)s."),
            }
            T.step_names = {s: _(n) for s, n in STEP_NAMES.items()}
            T.reasons = {r: _(n).lower() for r, n in EXTENSION_REASON_NAMES.items()}
        lang = T.lang

        def long_date(d: date) -> str:  # complaints.deadline_texts.long_date
            with translation.override(lang):
                s = date_format(d, "DATE_FORMAT")
            return s.lower() if lang == "ro" else s

        T.long_date = _memo(long_date)

    # ---- state already in the database

    def _load_state(self) -> None:
        with self.conn.cursor() as cur:
            self.next_ids = {}
            for table in (
                "auth_user", "tenants_membership", "customers_customer", "customers_consumptionplace",
                "customers_meter", "complaints_complaint", "complaints_timelineentry", "complaints_attachment",
                "complaints_deadlineevent", "complaints_deadlinestep", "complaints_notification", "audit_auditevent",
                "audit_auditseal",
            ):  # fmt: skip
                cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                self.next_ids[table] = cur.fetchone()[0]
            for T in self.tenants:
                cur.execute("SELECT year, last FROM complaints_referencecounter WHERE tenant_id = %s", [T.id])
                T.counters = dict(cur.fetchall())
                cur.execute("SELECT seq, last_hash FROM audit_auditchainhead WHERE tenant_id = %s", [T.id])
                row = cur.fetchone()
                if row:
                    T.seq, T.prev = row
                T.seal_first = T.seq + 1
        # The sweep tells every active supervisor of the tenant (Membership order: as inserted).
        from querela.core import tenancy
        from querela.tenants.models import Membership

        for T in self.tenants:
            with tenancy.tenant_scope(T.row):
                T.supervisor_emails = [
                    m.user.email
                    for m in Membership.objects.filter(role="supervisor", is_active=True).select_related("user")
                    if m.user.email
                ]

    def _make_buffers(self) -> None:
        cols = {
            "auth_user": "id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined",
            "tenants_membership": "id, tenant_id, user_id, role, department_id, is_active",
            "customers_customer": "id, tenant_id, customer_number, name, phone, email, preferred_channel, "
            "mailing_address, language, user_id, created_at, search_key",
            "customers_consumptionplace": "id, tenant_id, customer_id, address, postal_code, city, region, "
            "service_type, search_key",
            "customers_meter": "id, tenant_id, place_id, serial, installed_on, meter_type",
            "complaints_complaint": "id, tenant_id, reference, channel, received_at, kind, kind_confirmed, category, "
            "status, subject, description, customer_id, place_id, representative_id, contact_name, contact_email, "
            "contact_phone, reply_channel, department_id, assignee_id, call_recording, policy_name, policy_version, "
            "answer_due, deemed_accepted, needs_attention, redirect_explanation, created_by_id, created_at, "
            "updated_at, given_customer_number, serial_number, product_model, ticket_number, place_address, "
            "mailing_address, acting_for, earlier_contacts, proposed_solution, language, resolved_on_spot, next_due, "
            "next_remind, "
            "search_text, decision",
            "complaints_timelineentry": "id, tenant_id, complaint_id, entry_type, channel, author_id, author_label, "
            "body, data, created_at",
            "complaints_attachment": "id, entry_id, tenant_id, complaint_id, file, filename, size, sha256, "
            "content_type, uploaded_by_id, created_at",
            "complaints_deadlineevent": "id, tenant_id, complaint_id, event_type, at, days, notice_at, reason",
            "complaints_deadlinestep": "id, tenant_id, complaint_id, step, due_date, done_at, remind_on, reminded_at, "
            "missed_at, next_check_on",
            "complaints_notification": "id, tenant_id, complaint_id, kind, key, recipient, subject, body, created_at, "
            "sent_at, error",
            "audit_auditevent": "id, seq, prev_hash, hash, tenant_id, at, actor_id, actor_label, actor_role, ip, "
            "action, object_type, object_id, changes, content_mac",
            "audit_auditseal": "id, tenant_id, first_seq, last_seq, head_hash, key_id, sealed_at",
        }
        self.buffers = {t: _Buffer(self, t, c) for t, c in cols.items()}
        b = self.buffers
        self.b_user, self.b_member = b["auth_user"], b["tenants_membership"]
        self.b_customer, self.b_place, self.b_meter = (
            b["customers_customer"], b["customers_consumptionplace"], b["customers_meter"]
        )  # fmt: skip
        self.b_complaint, self.b_entry, self.b_attachment = (
            b["complaints_complaint"], b["complaints_timelineentry"], b["complaints_attachment"]
        )  # fmt: skip
        self.b_event, self.b_step, self.b_note = (
            b["complaints_deadlineevent"], b["complaints_deadlinestep"], b["complaints_notification"]
        )  # fmt: skip
        self.b_audit, self.b_seal = b["audit_auditevent"], b["audit_auditseal"]

    def _next(self, table: str) -> int:
        self.next_ids[table] += 1
        return self.next_ids[table]

    # ---- customers, places, meters (and the consumer logins of every 10th customer)

    def _customer_target(self, T: _Tenant, size: int) -> int:
        weights = [s["weight"] for s in TENANTS[: self.n_tenants]]
        share = T.spec["weight"] / sum(weights)
        return max(100, int(size * share * CUSTOMERS_PER_COMPLAINT))

    def _customers(self) -> None:
        from tqdm import tqdm

        from querela.customers.text import digits, fold

        total = sum(self._customer_target(T, self.size) for T in self.tenants)
        bar = tqdm(total=total, desc="customers", unit="", disable=not self.progress, file=sys.stderr, mininterval=1)
        for T in self.tenants:
            rng = random.Random(f"{self.seed}:customers:{T.code}")
            target = self._customer_target(T, self.size)
            batches = self.batches.setdefault(T.code, [])
            have = sum(b["count"] for b in batches)
            country, lang = T.country, T.lang
            services = T.spec["services"]
            domains = text.MAIL_DOMAINS[country]
            created_base = self.now - (HISTORY_DAYS + 3000) * DAY
            T.customers, T.customer_ids, T.place_ids = [], [], []
            for k in range(target):
                first = rng.choice(text.FIRST_NAMES[country])
                last = rng.choice(text.LAST_NAMES[country])
                name = f"{last} {first}" if country == "HU" else f"{first} {last}"
                number = self._customer_number(T, k)
                national = f"{rng.choice((20, 30, 70, 50))} {(k * 7919 + 1234567) % 10**7:07d}"
                phone = f"{text.PHONE_PREFIX[country]} {national}"
                email = "" if rng.random() < 0.2 else (
                    f"{text.ascii_name(first)}.{text.ascii_name(last)}{k}@{rng.choice(domains)}"
                )  # fmt: skip
                preferred = "email" if email and rng.random() < 0.75 else "post"
                created = created_base + rng.randrange(2900 * DAY)
                places = []
                for p in range(2 if k % 3 == 0 else 1):
                    city, postal, region = rng.choice(text.PLACES[country])
                    address = f"{rng.choice(text.STREETS[country])} {rng.randint(1, 160)}."
                    serial = self._meter_serial(T, k, p)
                    installed = day_date((created + rng.randrange(400 * DAY)) // DAY).isoformat()
                    places.append((address, postal, city, region, services[(k + p) % len(services)], serial, installed))
                mailing = f"{places[0][1]} {places[0][2]}, {places[0][0]}"
                # (the same draws whether the customer is written now or was in an earlier run)
                T.customers.append((name, email, phone, number, preferred, len(places), first, last))
                if k < have:
                    continue
                if k == have:  # a new batch: its first ids
                    batch = {
                        "start": k,
                        "count": target - k,
                        "customer_id": self.next_ids["customers_customer"] + 1,
                        "place_id": self.next_ids["customers_consumptionplace"] + 1,
                        "user_id": self.next_ids["auth_user"] + 1,
                    }
                    batches.append(batch)
                cid = self._next("customers_customer")
                user_id = None
                if k % 10 == 0:
                    user_id = self._next("auth_user")
                    username = f"{T.code.lower()}.consumer" if k == 0 else f"{T.code.lower()}.c{k}"
                    self.b_user.add(
                        f"{user_id}\t{self.password_hash}\t\\N\tf\t{username}\t{esc(first)}\t{esc(last)}\t{email}"
                        f"\tf\tt\t{iso(created)}\n"
                    )
                    self.b_member.add(f"{self._next('tenants_membership')}\t{T.id}\t{user_id}\tconsumer\t\\N\tt\n")
                search = f"{fold(name)} {digits(phone)}"[:300]
                self.b_customer.add(
                    f"{cid}\t{T.id}\t{number}\t{esc(name)}\t{phone}\t{email}\t{preferred}\t{esc(mailing)}\t{lang}"
                    f"\t{nz(user_id)}\t{iso(created)}\t{esc(search)}\n"
                )
                for address, postal, city, region, service, serial, installed in places:
                    pid = self._next("customers_consumptionplace")
                    key = fold(f"{postal} {city} {address} {region}")[:400]
                    self.b_place.add(
                        f"{pid}\t{T.id}\t{cid}\t{esc(address)}\t{postal}\t{esc(city)}\t{esc(region)}\t{service}"
                        f"\t{esc(key)}\n"
                    )
                    self.b_meter.add(f"{self._next('customers_meter')}\t{T.id}\t{pid}\t{serial}\t{installed}\t\n")
                bar.update(1)
            bar.update(min(have, target))
            # ids of every customer (earlier batches included), their first place and their login
            for batch in batches:
                cid, pid, uid = batch["customer_id"], batch["place_id"], batch["user_id"]
                for k in range(batch["start"], batch["start"] + batch["count"]):
                    T.customer_ids.append(cid)
                    T.place_ids.append(pid)
                    if k % 10 == 0:
                        T.user_ids[k] = uid
                        uid += 1
                    cid += 1
                    pid += 2 if k % 3 == 0 else 1
        bar.close()

    @staticmethod
    def _customer_number(T: _Tenant, k: int) -> str:
        scrambled = (k * 7919 + 104729 * (T.idx + 1)) % 10**8
        if T.country == "PL":
            return f"PL-{scrambled:08d}"
        return f"{3100000000 + scrambled if T.country == 'HU' else 7000000000 + scrambled}"

    @staticmethod
    def _meter_serial(T: _Tenant, k: int, p: int) -> str:
        n = ((2 * k + p) * 48271 + 12345) % 10**9
        return f"SF{n:09d}" if T.country == "PL" else f"{T.code[1:]}{n:09d}"

    # ---- complaints

    def _prepare_complaints(self) -> None:
        """What the workers share (forked, so read-only copies): the order of arrival, ids and references."""
        from querela.deadlines import engine

        self.engine = engine
        self.memo: dict[tuple[Any, ...], tuple[tuple[str, date | None, date | None], ...]] = {}
        self.remind_memo: dict[tuple[int, date], date] = {}
        self.event_memo: dict[tuple[Any, ...], Any] = {}
        self.pools = text.Pools(self.seed)
        self._attachment_files()
        self.targets = _weighted(TARGETS)
        self.non_complaints = _weighted(NON_COMPLAINT_KINDS)
        n = self.size - self.old_size
        rng = random.Random(f"{self.seed}:complaints:{self.old_size}:{self.size}")
        weights = _weighted({str(T.idx): T.spec["weight"] for T in self.tenants})
        channels = _weighted(CHANNELS)
        start = self.now - HISTORY_DAYS * DAY
        channel_names = list(CHANNELS)
        keys = []
        for _ in range(n):
            T = self.tenants[int(_pick(rng, weights))]
            channel = _pick(rng, channels)
            t = self._received(rng, T, channel, start)
            keys.append((t << 8) | (T.idx << 4) | channel_names.index(channel))
        keys.sort()
        # (number over all runs, received, tenant, channel, id, reference), in order of arrival
        self.specs: list[tuple[int, int, int, str, int, str]] = []
        first_id = self.next_ids["complaints_complaint"] + 1
        for i, key in enumerate(keys):
            T = self.tenants[(key >> 4) & 0xF]
            received = key >> 8
            year = day_date(T.zone.day(received)).year
            number = T.counters[year] = T.counters.get(year, 0) + 1
            ref = f"{T.code}-{year:04d}-{number:06d}"
            self.specs.append((self.old_size + i, received, T.idx, channel_names[key & 0xF], first_id + i, ref))
        self.next_ids["complaints_complaint"] += n

    def _complaints(self, pool: Any) -> None:
        """Lifecycles made by the workers, merged here in time order: ids, audit links and seals, COPY."""
        from tqdm import tqdm

        self.heap: list[tuple[Any, ...]] = []
        self.hn = 0
        self.links = 0
        heap, push = self.heap, heapq.heappush
        chunks = [(a, min(a + 500, len(self.specs))) for a in range(0, len(self.specs), 500)]
        results = pool.imap(_make_chunk, chunks) if pool is not None else map(_make_chunk, chunks)
        bar = tqdm(total=len(self.specs), desc="complaints", unit="", disable=not self.progress, file=sys.stderr,
                   mininterval=1)  # fmt: skip
        self.waited = 0.0
        results = iter(results)
        for a, b in chunks:
            began = time.perf_counter()
            made = next(results)
            self.waited += time.perf_counter() - began
            for row, steps, events in made:
                self.b_complaint.add(row)
                for step in steps:
                    self.b_step.add(f"{self._next('complaints_deadlinestep')}\t{step}")
                for t, code, x, y in events:
                    self.hn += 1
                    push(heap, (t, self.hn, code, x, y))
            self._drain(self.specs[b - 1][1])  # later complaints arrive later: nothing of theirs comes before
            bar.update(b - a)
        bar.close()
        self._drain(None)
        for T in self.tenants:
            if T.seal_count:
                self._seal(T, self.last_audit_at)

    def _make(self, spec: tuple[int, int, int, str, int, str]) -> tuple[str, list[str], list[tuple[Any, ...]]]:
        """One complaint (in a worker): its row, its steps without ids, and its dated rows for the merge."""
        number, received, tenant, channel, cid, ref = spec
        self.rng = random.Random((self.seed * 1_000_003 + 11) * 10**9 + number)  # the same whoever makes it
        self.pending: list[tuple[Any, ...]] = []
        L = self._complaint(self.tenants[tenant], channel, received, cid, ref)
        row, steps = self._complaint_rows(L)
        return row, steps, self.pending

    def _received(self, rng: random.Random, T: _Tenant, channel: str, start: int) -> int:
        """When a complaint arrives: weekdays more than weekends, office hours for calls and visits."""
        zone = T.zone
        first_day = zone.day(start) + 1
        last_day = zone.day(self.now)
        office = channel in ("phone", "in_person", "post", "fax")
        while True:
            day = first_day + rng.randrange(last_day - first_day + 1)
            weekday = (day + 3) % 7
            if weekday >= 5 and rng.random() < (0.92 if office else 0.45):
                continue
            if channel == "post":
                tod = 8 * HOUR + rng.randrange(3 * HOUR)
            elif office:
                tod = 8 * HOUR + rng.randrange(9 * HOUR)
            elif rng.random() < 0.85:
                tod = 7 * HOUR + rng.randrange(15 * HOUR)
            else:
                tod = rng.randrange(DAY)
            t = zone.at(day, tod) + rng.randrange(MIN)
            if t < self.now - 10 * MIN:
                return t

    # ---- one complaint's lifecycle (mirrors complaints.services / transitions / deadline_* / sweep)

    def _complaint(self, T: _Tenant, channel: str, received: int, cid: int, ref: str) -> _Life:
        rng = self.rng
        target = _pick(rng, self.targets)
        L = _Life()
        L.T = T
        L.id = cid
        L.received = received
        L.tick = 0
        L.ref = ref
        zone = T.zone
        # kind and category
        if target == "redirected":
            L.kind = _pick(rng, self.non_complaints)
        else:
            r = rng.random()
            L.kind = "complaint" if r < 0.95 else "public_interest" if r < 0.97 else _pick(rng, self.non_complaints)
        L.category = _pick(rng, T.categories) if L.kind in ("complaint", "public_interest") or rng.random() < 0.4 else (
            "other"
        )  # fmt: skip
        L.ekind = "damage_claim" if L.category == "damage" else "complaint"
        # who files it, and whether the complainant is identified when it arrives
        if target == "received" and channel in ("web", "message_wall", "fax", "in_person"):
            channel = "phone"
        if channel == "web":
            identified = True
        elif target == "received":
            identified = False
        else:
            identified = rng.random() < {"email": 0.82, "phone": 0.93, "post": 0.9}.get(channel, 0.95)
        L.channel = channel
        k = self._pick_customer(rng, T, web=channel == "web")
        cust = T.customers[k]
        name, email, phone, number_, preferred, n_places, first, last = cust
        place_no = 1 if n_places > 1 and rng.random() < 0.3 else 0
        L.cust = cust
        L.cust_ids = (T.customer_ids[k], T.place_ids[k] + place_no)
        L.customer_id, L.place_id = L.cust_ids if identified else (None, None)
        lang = T.lang
        L.subject = self.pools.subject(rng, lang, L.category)
        letter = channel in ("email", "web", "post", "fax", "message_wall")
        L.description = self.pools.description(rng, lang, L.category, name, letter=letter)
        if channel == "email" and not email:
            email = f"{text.ascii_name(first)}.{text.ascii_name(last)}@{text.MAIL_DOMAINS[T.country][0]}"
        ask = False
        needs_attention = ""
        if channel == "email":
            reg_actor = _Actor(None, "e-mail", "system")
            t0 = received + 5 * US + rng.randrange(120 * US)
            contact_name = name if identified or rng.random() < 0.7 else rng.choice(text.UNKNOWN_SENDER[lang])
            contact_email, contact_phone = email, (phone if identified else "")
            automatic = target != "received" and rng.random() < 0.97
            acknowledge = automatic
            if not identified:
                ask = automatic
                if not automatic:
                    needs_attention = T.tr["not_identified"]
        elif channel == "web":
            reg_actor = _Actor(T.user_ids[k], f"{first} {last}", "consumer", self._public_ip(rng))
            t0 = received + 200_000 + rng.randrange(2 * US)
            contact_name, contact_email, contact_phone = name, email, phone
            acknowledge = True
        else:
            reg_actor = rng.choice(T.staff["agent"])
            if channel in ("phone", "in_person"):
                t0 = received + MIN + rng.randrange(8 * MIN)
            else:  # post, fax and the message wall are typed in during office hours
                t0 = self._work_time(T, received + rng.randrange(20 * HOUR))
            if identified:
                contact_name, contact_email, contact_phone = name, email, phone
            else:
                contact_name = rng.choice(text.UNKNOWN_SENDER[lang])
                contact_email, contact_phone = "", phone
            acknowledge = True
        if channel in ("phone", "in_person"):
            reply = preferred if identified and preferred in ("post", "email") else "post"
        elif channel == "message_wall":
            reply = "web"
        else:
            reply = channel
        if reply == "email" and not contact_email:
            reply = "post"
        L.reply_channel = reply
        L.contact_name, L.contact_email, L.contact_phone = contact_name, contact_email, contact_phone
        L.call_recording = (
            f"REC-{day_date(zone.day(received)):%Y%m%d}-{rng.randrange(10**6):06d}"
            if channel == "phone" and rng.random() < 0.9 else ""
        )  # fmt: skip
        L.kind_confirmed = reg_actor.role != "system"
        L.status = "received"
        L.assignee = None
        L.department_id = None
        L.needs_attention = needs_attention
        L.deemed = False
        L.redirect_explanation = ""
        L.created_by = reg_actor.user_id
        L.created_at = L.updated_at = t0
        L.events = []
        L.steps = {}
        L.answer_due = None
        L.notified = None
        self._receipt(L)
        number_ = number_ if identified else None
        self._register(L, t0, reg_actor, acknowledge=acknowledge, ask=ask, customer_number=number_)
        self._lifecycle(L, target)
        return L

    def _pick_customer(self, rng: random.Random, T: _Tenant, *, web: bool) -> int:
        n = len(T.customers)
        if web:
            return 10 * rng.randrange((n + 9) // 10)
        return min(n - 1, int(n * rng.random() ** 1.15))

    @staticmethod
    def _public_ip(rng: random.Random) -> str:
        first = rng.choice((84, 91, 188, 195, 213))
        return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    def _work_time(self, T: _Tenant, t: int) -> int:
        """The first moment at or after t when staff are at work (weekdays 08:00–17:00 local)."""
        zone = T.zone
        local = zone.local(t)
        day, tod = divmod(local, DAY)
        if (day + 3) % 7 < 5 and 8 * HOUR <= tod < 17 * HOUR:
            return t
        if tod >= 17 * HOUR or (day + 3) % 7 >= 5:
            day += 1
        while (day + 3) % 7 >= 5:
            day += 1
        return zone.at(day, 8 * HOUR + self.rng.randrange(90 * MIN))

    def _receipt(self, L: _Life) -> None:
        T = L.T
        received_dt = EPOCH + timedelta(microseconds=L.received)
        day = self.engine.received_date(T.policy, T.cal, T.zone.name, received_dt)
        L.recv_day = date_day(day)
        L.recv_canon = EPOCH + timedelta(microseconds=T.zone.at(L.recv_day, 12 * HOUR))

    # ---- rows

    def _t(self, L: _Life, t: int) -> int:
        """Moments inside one service call: a few milliseconds apart, in order."""
        L.tick = max(L.tick + 1500, t)
        return L.tick

    def _push(self, t: int, code: int, a: Any, b: Any = None) -> None:
        self.pending.append((t, code, a, b))

    def _entry(
        self, L: _Life, t: int, entry_type: str, actor: _Actor, body: str = "", channel: str = "", data: Any = None,
        attachment: tuple[str, str, int, str, str] | None = None,
    ) -> None:  # fmt: skip
        t = self._t(L, t)
        tail = (
            f"{L.T.id}\t{L.id}\t{entry_type}\t{channel}\t{nz(actor.user_id)}\t{esc(actor.label)}\t{esc(body)}"
            f"\t{_data_json(data)}\t{iso(t)}\n"
        )
        row = None
        if attachment is not None:
            path, filename, size, sha, ctype = attachment
            row = f"{L.T.id}\t{L.id}\t{path}\t{esc(filename)}\t{size}\t{sha}\t{ctype}\t{nz(actor.user_id)}\t{iso(t)}\n"
        self._push(t, 0, tail, row)

    def _audit(self, L: _Life, t: int, actor: _Actor, action: str, changes: dict[str, Any] | None = None) -> None:
        t = self._t(L, t)
        T = L.T
        at = EPOCH + timedelta(microseconds=t)
        changes = changes or {}
        label = actor.label[:150]
        ip = actor.ip[:64]
        at_iso = at.isoformat()
        changes_json = json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        # chain.content_mac's canonical JSON, written out (keys in order); checked against it as it goes
        actor_id = "null" if actor.user_id is None else str(actor.user_id)
        payload = (
            f'{{"action":"{action}","actor_id":{actor_id},"actor_label":{_json_str(label)},"actor_role":'
            f'"{actor.role}","at":"{at_iso}","changes":{changes_json},"ip":{_json_str(ip)},"object_id":"{L.ref}",'
            f'"object_type":"complaint","tenant":{T.id}}}'
        )
        mac = hmac.digest(self.audit_key, payload.encode(), "sha256").hex()
        self.audit_n += 1
        if self.audit_n <= 3000 or self.audit_n % 997 == 0:
            event = _AuditEvent(T.id, at, actor, label, ip, action, L.ref, changes)
            if self.chain.content_mac(event) != mac:
                raise AssertionError(f"content MAC differs from querela.audit.chain's for {payload}")
        tail = (
            f"{T.id}\t{at_iso}\t{nz(actor.user_id)}\t{esc(label)}\t{actor.role}\t{ip}\t{action}\tcomplaint"
            f"\t{L.ref}\t{esc(changes_json)}\t{mac}\n"
        )
        self._push(t, 1, tail, (T.idx, mac))

    def _drain(self, upto: int | None) -> None:
        """Rows dated up to `upto` (all: None) leave the heap in time order and get their ids; audit events get
        their place in the tenant's chain (audit.sealing's link MAC) and, every AUDIT_SEAL_BATCH, a seal."""
        heap, pop, digest, key = self.heap, heapq.heappop, hmac.digest, self.audit_key
        ids = self.next_ids
        entry_id, attachment_id = ids["complaints_timelineentry"], ids["complaints_attachment"]
        audit_id, event_id = ids["audit_auditevent"], ids["complaints_deadlineevent"]
        note_id = ids["complaints_notification"]
        add_entry, add_attachment, add_audit = self.b_entry.add, self.b_attachment.add, self.b_audit.add
        add_event, add_note = self.b_event.add, self.b_note.add
        tenants, batch = self.tenants, self.seal_batch
        while heap and (upto is None or heap[0][0] <= upto):
            t, _n, code, a, b = pop(heap)
            if code == 0:
                entry_id += 1
                add_entry(f"{entry_id}\t{a}")
                if b is not None:
                    attachment_id += 1
                    add_attachment(f"{attachment_id}\t{entry_id}\t{b}")
            elif code == 1:
                T, mac = tenants[b[0]], b[1]
                T.seq += 1
                h = digest(key, f"{T.id}|{T.seq}|{T.prev}|{mac}".encode(), "sha256").hex()  # chain.link_mac
                self.links += 1
                if self.links <= 300 and h != self.chain.link_mac(
                    tenant_id=T.id, seq=T.seq, prev_hash=T.prev, content=mac
                ):
                    raise AssertionError("link MAC differs from querela.audit.chain's")
                audit_id += 1
                add_audit(f"{audit_id}\t{T.seq}\t{T.prev}\t{h}\t{a}")
                T.prev = h
                T.seal_count += 1
                self.last_audit_at = t
                if T.seal_count >= batch:
                    self._seal(T, t)
            elif code == 2:
                event_id += 1
                add_event(f"{event_id}\t{a}")
            else:
                note_id += 1
                add_note(f"{note_id}\t{a}")
        ids["complaints_timelineentry"], ids["complaints_attachment"] = entry_id, attachment_id
        ids["audit_auditevent"], ids["complaints_deadlineevent"], ids["complaints_notification"] = (
            audit_id, event_id, note_id
        )  # fmt: skip

    def _seal(self, T: _Tenant, t: int) -> None:
        """What audit.sealing.audit_seal records for one batch: the seal row and, after commit, its anchor."""
        from querela.audit.anchors import Anchor

        sealed_at = iso(t + 20 * US + (T.seq * 7919) % (40 * US))
        self.b_seal.add(
            f"{self._next('audit_auditseal')}\t{T.id}\t{T.seal_first}\t{T.seq}\t{T.prev}\t{self.key_id}\t{sealed_at}\n"
        )
        self.anchors.append((T.code, Anchor(tenant_id=T.id, seq=T.seq, head_hash=T.prev, key_id=self.key_id,
                                            sealed_at=sealed_at)))  # fmt: skip
        T.seal_first, T.seal_count = T.seq + 1, 0

    @staticmethod
    def _search_text(L: _Life) -> str:
        """As `complaints.search.search_text_of` writes it (the customer's name and number included)."""
        from querela.customers.text import fold

        name, _email, _phone, number, *_rest = L.cust
        known = f"{name} {number}" if L.customer_id else ""
        return fold(f"{L.ref} {L.subject} {L.contact_name} {L.contact_email} {known} {L.description}")[:4000]

    def _complaint_rows(self, L: _Life) -> tuple[str, list[str]]:
        """The complaint's row and its deadline steps' rows (without their ids), as they stand at "now"."""
        T = L.T
        # As `deadlines_recompute` keeps them: the earliest step not done, and its reminder day.
        pending = sorted((s.due, s.remind_on) for s in L.steps.values() if s.done_at is None and s.due is not None)
        next_due, next_remind = pending[0] if pending else (None, None)
        row = (
            f"{L.id}\t{T.id}\t{L.ref}\t{L.channel}\t{iso(L.received)}\t{L.kind}\t{'t' if L.kind_confirmed else 'f'}"
            f"\t{L.category}\t{L.status}\t{esc(L.subject)}\t{esc(L.description)}\t{nz(L.customer_id)}"
            f"\t{nz(L.place_id)}\t\\N\t{esc(L.contact_name)}\t{L.contact_email}\t{L.contact_phone}\t{L.reply_channel}"
            f"\t{nz(L.department_id)}\t{nz(L.assignee.user_id if L.assignee else None)}\t{L.call_recording}"
            f"\t{T.row.deadline_policy}\t0\t{nz(L.answer_due)}\t{'t' if L.deemed else 'f'}\t{esc(L.needs_attention)}"
            f"\t{esc(L.redirect_explanation)}\t{nz(L.created_by)}\t{iso(L.created_at)}\t{iso(L.updated_at)}"
            f"\t\t\t\t\t\t\t\t\t\t{T.lang}\tf\t{nz(next_due)}\t{nz(next_remind)}\t{esc(self._search_text(L))}"
            f"\t{_decision(L)}\n"
        )
        steps = [
            f"{T.id}\t{L.id}\t{s.name}\t{nz(s.due)}\t{tsn(s.done_at)}\t{nz(s.remind_on)}\t{tsn(s.reminded_at)}"
            f"\t{tsn(s.missed_at)}\t{nz(s.next_check)}\n"
            for s in L.steps.values()
        ]
        return row, steps

    # ---- deadlines (complaints.deadline_schedule, run through the real engine, memoised on dates)

    def _schedule(self, L: _Life) -> tuple[tuple[str, date | None, date | None], ...]:
        T = L.T
        key = (T.idx, L.ekind, L.recv_day, *L.events)
        hit = self.memo.get(key)
        if hit is None:
            zone = T.zone
            events = [self._engine_event(zone, i, e) for i, e in enumerate(L.events)]
            sched = self.engine.compute(T.policy, T.cal, zone.name, L.recv_canon, L.ekind, events)
            hit = tuple((s.name, s.due, s.done_on) for s in sched.steps)
            if len(self.memo) > 400_000:
                self.memo.clear()
            self.memo[key] = hit
        return hit

    def _engine_event(self, zone: _Zone, i: int, event: tuple[Any, ...]) -> Any:
        """An engine event on the same local days as the recorded one (the engine counts days only); events are
        immutable, so the same ones are shared."""
        key = (zone.name, i, event)
        made = self.event_memo.get(key)
        if made is None:
            etype, day, days, reason, notice = event
            noon = zone.at(day, 12 * HOUR) + i * US
            notice_noon = None if notice is None else zone.at(notice, 12 * HOUR) + i * US
            made = self.event_memo[key] = self.engine.Event(
                type=etype,
                at=EPOCH + timedelta(microseconds=noon),
                days=days,
                notice_at=None if notice_noon is None else EPOCH + timedelta(microseconds=notice_noon),
                reason=reason or None,
            )
            if len(self.event_memo) > 200_000:
                self.event_memo.clear()
        return made

    def _remind_on(self, T: _Tenant, due: date) -> date:
        key = (T.idx, due)
        r = self.remind_memo.get(key)
        if r is None:
            r = self.remind_memo[key] = T.cal.add_business_days(due, -T.row.reminder_working_days)
        return r

    def _recompute(self, L: _Life, t: int) -> None:
        """deadline_schedule.deadlines_recompute at moment t."""
        T = L.T
        sched = self._schedule(L)
        answered = any(name == "answer" and done_on is not None for name, _d, done_on in sched)
        closed = answered or L.status in FINISHED
        ever_answered = any(e[0] == "answered" for e in L.events)
        today = day_date(T.zone.day(t))
        for name, due, done_on in sched:
            step = L.steps.get(name)
            if step is None:
                step = L.steps[name] = _Step(name)
            done = done_on is not None or closed or (name != "answer" and ever_answered)
            if step.due != due:
                step.reminded_at = None
                if due and step.missed_at and due >= today:
                    step.missed_at = None
            step.due = due
            step.done_at = (step.done_at or t) if done else None
            step.remind_on = self._remind_on(T, due) if due else None
            step.next_check = next_check(step)
            if name == "answer":
                L.answer_due = due

    def _record(
        self, L: _Life, t: int, etype: str, days: int | None = None, notice: int | None = None, reason: str = ""
    ) -> None:
        """deadline_schedule.record_event: the DeadlineEvent row, then the steps recomputed."""
        t = self._t(L, t)
        zone = L.T.zone
        self._push(
            t, 2,
            f"{L.T.id}\t{L.id}\t{etype}\t{iso(t)}\t{nz(days)}\t{tsn(notice)}"
            f"\t{reason}\n",
        )  # fmt: skip
        L.events.append((etype, zone.day(t), days, reason, None if notice is None else zone.day(notice)))
        self._recompute(L, t)

    def _deadline_effect(self, L: _Life, t: int, effect: str) -> None:
        """deadline_schedule.apply_deadline_effect."""
        if effect == "info_received":
            last = [e[0] for e in L.events if e[0] in ("info_requested", "info_received")]
            if last and last[-1] == "info_requested":
                self._record(L, t, "info_received")
        elif effect == "answered":
            last = [e[0] for e in L.events if e[0] in ("answered", "reopened")]
            if not last or last[-1] == "reopened":
                self._record(L, t, "answered")
        elif effect == "recompute":
            self._recompute(L, t)
        else:
            self._record(L, t, effect)

    def _due_sentence(self, L: _Life, t: int, due: date | None, done: bool = False) -> str:
        """deadline_texts.consumer_due_sentence for the answer step."""
        T = L.T
        if due is None or done:
            return ""
        if due < day_date(T.zone.day(t)):
            return T.tr["late"] % {"date": T.long_date(due)}
        return (T.tr["due"] % {"date": T.long_date(due)}).replace("..", ".")

    # ---- the deadline sweep between two moments (complaints.deadline_sweep._sweep_step)

    def _sweep(self, L: _Life, t: int, until: int) -> None:
        zone = L.T.zone
        rng = self.rng
        while True:
            step = None
            for s in L.steps.values():
                if s.next_check is not None and (step is None or s.next_check < step.next_check):
                    step = s
            if step is None:
                return
            check = step.next_check
            # The sweep runs every 15 minutes: shortly after midnight, or after the change that moved the step.
            moment = max(zone.midnight(date_day(check)), t) + MIN + rng.randrange(14 * MIN)
            if moment >= until:
                return
            self._sweep_step(L, step, moment, day_date(zone.day(moment)))
            if step.next_check == check:
                return  # nothing more the sweep would do (cannot happen; a guard against looping)
            t = moment

    def _sweep_step(self, L: _Life, step: _Step, t: int, today: date) -> None:
        T = L.T
        tr = T.tr
        sweep = _Actor(None, "deadline sweep", "system")
        due = step.due
        due_txt = due.isoformat() if due else ""
        step_name = T.step_names[step.name]
        assignee = L.assignee
        if step.reminded_at is None and step.remind_on and step.remind_on <= today <= (due or today):
            to = [assignee.email] if assignee and assignee.email else T.supervisor_emails
            subject = tr["soon_subject"] % {"ref": L.ref, "date": due_txt}
            body = tr["soon_body"] % {"step": step_name, "ref": L.ref, "date": due_txt}
            self._notify(L, t, "due_soon", f"{step.name}:{due_txt}", to, subject, body)
            step.reminded_at = self._t(L, t)
            self._audit(L, t, sweep, "deadline.due_soon", {"step": step.name, "due": due_txt})
        if step.missed_at is None and due and today > due:
            step.missed_at = self._t(L, t)
            outcome = T.policy.on_miss if step.name == "answer" else "breach"
            to = T.supervisor_emails + ([assignee.email] if assignee and assignee.email else [])
            subject = tr["missed_subject"] % {"ref": L.ref, "step": step_name, "date": due_txt}
            if outcome == "deemed_accepted":
                L.deemed = True
            self._flag(L, t, sweep, tr[f"flag_{outcome}"])
            self._notify(L, t, outcome, f"{step.name}:{due_txt}", to, subject, tr[f"body_{outcome}"] % {"ref": L.ref})
            self._entry(L, t, "system", sweep, subject, data={"deadline": outcome, "step": step.name})
            changes: dict[str, Any] = {"step": step.name, "due": due_txt}
            if outcome == "deemed_accepted":
                changes["deemed_accepted"] = [False, True]
            self._audit(L, t, sweep, f"deadline.{outcome}", changes)
        step.next_check = next_check(step)

    def _notify(self, L: _Life, t: int, kind: str, key: str, to: list[str], subject: str, body: str) -> None:
        for recipient in to or [""]:
            once = (kind, key, recipient)  # Notification's unique key: a second one is not created
            if L.notified is None:
                L.notified = set()
            elif once in L.notified:
                continue
            L.notified.add(once)
            t = self._t(L, t)
            sent = iso(t + 2 * US + (L.id * 7919) % (50 * US))
            self._push(
                t, 3,
                f"{L.T.id}\t{L.id}\t{kind}\t{esc(f'{key}:{recipient}')}\t{recipient}\t{esc(subject)}\t{esc(body)}"
                f"\t{iso(t)}\t{sent}\t\n",
            )  # fmt: skip

    def _flag(self, L: _Life, t: int, actor: _Actor, note: str) -> None:
        """services.complaint_flag."""
        note = " ".join(note.split())
        if not note or note in L.needs_attention:
            return
        before = L.needs_attention
        L.needs_attention = "; ".join(filter(None, [before, note]))[:300]
        self._audit(L, t, actor, "complaint.flag", {"needs_attention": [before, L.needs_attention]})

    # ---- services

    def _register(self, L: _Life, t: int, actor: _Actor, *, acknowledge: bool, ask: bool, customer_number: Any) -> None:
        """services.complaint_register."""
        rng = self.rng
        data = {"message_id": f"<{L.id:x}.{rng.getrandbits(40):x}@{L.contact_email.rsplit('@', 1)[-1]}>"} if (
            L.channel == "email"
        ) else None  # fmt: skip
        with_file = L.channel in ("email", "web", "post") and rng.random() < 0.045
        attachment = self._attachment_spec(L) if with_file else None
        self._entry(L, t, "inbound", actor, L.description, L.channel, data, attachment)
        self._audit(L, t, actor, "complaint.register", {
            "channel": [None, L.channel], "kind": [None, L.kind], "category": [None, L.category],
            "customer": [None, customer_number], "status": [None, "received"],
        })  # fmt: skip
        system = actor.as_system()
        if L.customer_id is not None and L.description.strip():
            self._transition(L, t, system, "register")
        acknowledging = acknowledge and L.status == "registered" and bool(L.contact_email or L.reply_channel != "email")
        asked = ask and L.customer_id is None and L.status == "received"
        if asked:
            self._transition(L, t, system, "request_info", L.T.tr["ask"], automatic=True)
        if acknowledging:
            self._record(L, t, "acknowledged")
            self._acknowledgement(L, t, system, automatic=True)
        elif not asked:  # asking recorded its event and recomputed already
            self._recompute(L, t)

    def _acknowledgement(self, L: _Life, t: int, actor: _Actor, *, automatic: bool) -> None:
        T = L.T
        answer = L.steps.get("answer")
        sentence = self._due_sentence(L, t, L.answer_due, done=bool(answer and answer.done_at is not None))
        body = " ".join(filter(None, [T.tr["ack"] % {"ref": L.ref}, sentence]))
        data = (("purpose", "acknowledge"), ("automatic", automatic))
        self._entry(L, t, "outbound", actor, body, L.reply_channel, data)
        self._audit(L, t, actor, "complaint.acknowledge")

    def _transition(
        self, L: _Life, t: int, actor: _Actor, name: str, body: str = "", *, assignee: _Actor | None = None,
        automatic: bool = False, record_text: bool = True,
    ) -> None:  # fmt: skip
        """transitions.apply_transition."""
        sources, target = TRANSITIONS[name]
        if L.status not in sources:
            raise AssertionError(f"{L.ref}: {name} from {L.status}")
        changes: dict[str, Any] = {"status": [L.status, target]}
        if name == "assign":
            assert assignee is not None
            changes["assignee"] = [L.assignee.user_id if L.assignee else None, assignee.user_id]
            L.assignee = assignee
            if assignee.department_id is not None:
                changes["department"] = [L.department_id, assignee.department_id]
                L.department_id = assignee.department_id
        if name == "redirect":
            L.redirect_explanation = body
        before = L.status
        L.status = target
        L.updated_at = self._t(L, t)
        self._entry(L, t, "status", actor, "", "", (("transition", name), ("before", before), ("after", target)))
        if name in ("request_info", "answer", "redirect"):
            letter = body
            if name == "answer" and L.T.row.answer_footer.strip():
                letter = f"{body.rstrip()}\n\n{L.T.row.answer_footer.strip()}"
            data = (("purpose", name), ("automatic", True)) if automatic else (("purpose", name),)
            self._entry(L, t, "outbound", actor, letter, L.reply_channel, data)
        elif body and record_text:
            kind = "inbound" if actor.role in ("consumer", "system") else "note"
            self._entry(L, t, kind, actor, body, "", (("purpose", name),))
        effect = {
            "request_info": "info_requested", "register": "info_received", "resume": "info_received",
            "answer": "answered", "close": "recompute", "reopen": "reopened", "redirect": "recompute",
        }.get(name)  # fmt: skip
        if effect is not None and not (effect == "info_received" and before != "awaiting_info"):
            self._deadline_effect(L, t, effect)
        self._audit(L, t, actor, f"complaint.{name}", changes)

    def _identify(self, L: _Life, t: int, actor: _Actor) -> None:
        """services.complaint_update naming the customer and place (what complaint_identify ends with)."""
        L.customer_id, L.place_id = L.cust_ids
        changes = {"customer": [None, str(L.customer_id)], "place": [None, str(L.place_id)]}
        L.updated_at = self._t(L, t)
        self._entry(L, t, "system", actor, "", "", {"changes": changes})
        self._audit(L, t, actor, "complaint.update", changes)

    def _message(self, L: _Life, t: int, actor: _Actor, body: str, *, from_customer: bool) -> None:
        """services.complaint_add_message, without its follow-ups (the callers make those)."""
        if from_customer:
            channel = "email" if actor.label == "e-mail" else "web"
            message_id = f"<{L.id:x}.{self.rng.getrandbits(40):x}@mail.example>"
            data = {"message_id": message_id} if channel == "email" else None
            self._entry(L, t, "inbound", actor, body, channel, data)
            action = "complaint.message_in"
        else:
            self._entry(L, t, "outbound", actor, body, L.reply_channel)
            action = "complaint.message_out"
        self._audit(L, t, actor, action, {"attachments": 0})

    def _attach(self, L: _Life, t: int, actor: _Actor) -> None:
        """services.complaint_attach."""
        spec = self._attachment_spec(L)
        _path, filename, size, sha, _ctype = spec
        self._entry(L, t, "attachment", actor, filename, "", None, spec)
        self._audit(L, t, actor, "complaint.attach", {"file": filename, "sha256": sha, "size": size})

    def _attachment_spec(self, L: _Life) -> tuple[str, str, int, str, str]:
        path, size, sha, ctype, ext = self.rng.choice(self.files)
        stem = self.rng.choice(self.pools.attachment_names[L.T.lang]).rsplit(".", 1)[0]
        return path, stem + ext, size, sha, ctype

    def _acknowledge(self, L: _Life, t: int, actor: _Actor) -> None:
        """deadline_actions.complaint_acknowledge (a person confirms receipt)."""
        if any(e[0] == "acknowledged" for e in L.events):
            return
        self._record(L, t, "acknowledged")
        self._acknowledgement(L, t, actor, automatic=False)

    def _progress(self, L: _Life, t: int, actor: _Actor) -> None:
        """deadline_actions.complaint_progress_update."""
        self._record(L, t, "progress_sent")
        body = self.pools.pick(self.rng, self.pools.progress, L.T.lang)
        self._entry(L, t, "outbound", actor, body, L.reply_channel, (("purpose", "progress"), ("automatic", False)))
        self._audit(L, t, actor, "complaint.progress")

    def _extend(self, L: _Life, t: int, actor: _Actor) -> None:
        """deadline_actions.complaint_extend, when the policy allows it now (the engine decides)."""
        T = L.T
        rule = T.policy.extension
        if rule.max_count == 0 or any(e[0] == "extended" for e in L.events):
            return
        reason = self.rng.choice(rule.reasons or ("technical_investigation", "on_site_inspection", "other"))
        days = self.rng.randint(5, rule.max_days)
        zone = T.zone
        day = zone.day(t)
        events = [*L.events, ("extended", day, days, reason, day)]
        try:
            self.engine.apply_event(
                T.policy, T.cal, zone.name, L.recv_canon, L.ekind,
                [self._engine_event(zone, i, e) for i, e in enumerate(L.events)],
                self._engine_event(zone, len(L.events), events[-1]),
            )  # fmt: skip
        except self.engine.DeadlineRefused:
            return
        before = L.answer_due
        t = self._t(L, t)
        self._record(L, t, "extended", days=days, notice=t, reason=reason)
        answer = L.steps.get("answer")
        sentence = self._due_sentence(L, t, answer.due if answer else None, bool(answer and answer.done_at))
        lines = [T.tr["reason"] % {"reason": T.reasons[reason]}, sentence]
        notice = "\n\n".join([self.pools.pick(self.rng, self.pools.extend, T.lang), *[x for x in lines if x]])
        self._entry(L, t, "outbound", actor, notice, L.reply_channel, (("purpose", "extend"), ("automatic", False)))
        changes = {"answer_due": [nz(before) if before else None, nz(L.answer_due) if L.answer_due else None],
                   "days": days, "reason": reason}  # fmt: skip
        self._audit(L, t, actor, "complaint.extend", changes)

    # ---- the lifecycle after registration

    def _go(self, L: _Life, until: int) -> bool:
        """Let time pass until the next action at `until`: the deadline sweep acts on the way. False, once the
        sweep has run up to "now", when `until` is not before it: the complaint stays as it is."""
        if until <= L.tick:
            until = L.tick + 1000
        stop = until >= self.now
        self._sweep(L, L.tick, self.now if stop else until)
        return not stop

    def _gap(self, lo_hours: float, hi_hours: float) -> int:
        """A waiting time, most of them short."""
        return int((lo_hours + (hi_hours - lo_hours) * self.rng.random() ** 2) * HOUR)

    def _lifecycle(self, L: _Life, target: str) -> None:
        """Walk the complaint towards `target` (where it would end); whatever falls after "now" is cut off."""
        rng, T, pools, lang = self.rng, L.T, self.pools, L.T.lang
        agents, handlers, supervisors = T.staff["agent"], T.staff["handler"], T.staff["supervisor"]
        mail = _Actor(None, "e-mail", "system")
        work = self._work_time
        t = L.tick
        # 1. until the complainant is identified
        if L.status == "awaiting_info":  # unidentified e-mail: data were asked for automatically
            if target in ("awaiting_info", "received"):
                self._go(L, self.now)
                return
            if target != "redirected":
                t += self._gap(3, 200)
                if not self._go(L, t):
                    return
                self._identify(L, t, mail)
                self._message(L, t, mail, pools.pick(rng, pools.info_reply, lang), from_customer=True)
                self._transition(L, t, mail.as_system(), "register")  # complete_info: nobody assigned yet
                if T.policy.ack is not None and rng.random() < 0.85:
                    t = work(T, t + self._gap(0.5, 30))
                    if not self._go(L, t):
                        return
                    self._acknowledge(L, t, rng.choice(agents))
        elif L.status == "received":  # not identified, nothing sent: an agent finds the customer
            if target == "received":
                self._go(L, self.now)
                return
            if target != "redirected":
                t = work(T, t + self._gap(1, 72))
                if not self._go(L, t):
                    return
                agent = rng.choice(agents)
                self._identify(L, t, agent)
                self._transition(L, t, agent, "register")
                if T.policy.ack is not None and rng.random() < 0.8:
                    self._acknowledge(L, t, agent)
        # 2. not a complaint: sent where it belongs
        if target == "redirected":
            t = work(T, t + self._gap(0.5, 48))
            if self._go(L, t):
                self._transition(L, t, rng.choice(agents), "redirect", pools.pick(rng, pools.redirect, lang))
                self._go(L, self.now)
            return
        if target == "awaiting_info" and rng.random() < 0.4:  # the agent asks before anyone investigates
            t = work(T, t + self._gap(1, 48))
            if self._go(L, t):
                self._transition(L, t, rng.choice(agents), "request_info", pools.pick(rng, pools.request_info, lang))
                self._go(L, self.now)
            return
        if target == "registered":
            self._go(L, self.now)
            return
        # 3. assignment and investigation
        handler = rng.choice(handlers)
        t = work(T, t + self._gap(0.3, 60))
        if not self._go(L, t):
            return
        by = rng.choice(supervisors) if rng.random() < 0.6 else handler
        self._transition(L, t, by, "assign", assignee=handler)
        if target == "assigned":
            self._go(L, self.now)
            return
        if target == "escalated" and rng.random() < 0.3:
            t = work(T, t + self._gap(2, 100))
            if self._go(L, t):
                self._transition(L, t, handler, "escalate", pools.pick(rng, pools.escalate, lang))
                self._go(L, self.now)
            return
        t = work(T, t + self._gap(0.2, 70))
        if not self._go(L, t):
            return
        self._transition(L, t, handler, "start_investigation")
        if target == "awaiting_info" or rng.random() < 0.07:  # information asked for during the investigation
            t = work(T, t + self._gap(4, 96))
            if not self._go(L, t):
                return
            self._transition(L, t, handler, "request_info", pools.pick(rng, pools.request_info, lang))
            if target == "awaiting_info":
                self._go(L, self.now)
                return
            t += self._gap(6, 240)
            if not self._go(L, t):
                return
            if L.contact_email:
                self._message(L, t, mail, pools.pick(rng, pools.info_reply, lang), from_customer=True)
                self._transition(L, t, mail.as_system(), "resume")
            else:  # the customer rang: the handler carries on
                t = work(T, t)
                self._transition(L, t, handler, "resume")
        if target == "escalated":
            t = work(T, t + self._gap(8, 200))
            if self._go(L, t):
                self._transition(L, t, handler, "escalate", pools.pick(rng, pools.escalate, lang))
                self._go(L, self.now)
            return
        if target in ("closed", "answered") and rng.random() < 0.04:  # escalated on the way, then taken over
            t = work(T, t + self._gap(8, 150))
            if not self._go(L, t):
                return
            self._transition(L, t, handler, "escalate", pools.pick(rng, pools.escalate, lang))
            t = work(T, t + self._gap(2, 48))
            if not self._go(L, t):
                return
            handler = rng.choice(handlers)
            self._transition(L, t, rng.choice(supervisors), "assign", assignee=handler)
            t = work(T, t + self._gap(0.5, 24))
            if not self._go(L, t):
                return
            self._transition(L, t, handler, "start_investigation")
        if not self._investigate(L, t, handler, target):
            return
        t = L.tick
        if target == "answered":
            self._go(L, self.now)
            return
        # 4. after the answer
        if target == "reopened" or rng.random() < 0.04:
            if rng.random() < 0.5:
                t = work(T, t + self._gap(48, 400))
                if not self._go(L, t):
                    return
                self._transition(L, t, handler, "close")
            t += self._gap(24, 500)
            if not self._go(L, t):
                return
            self._reopen(L, t)
            if target == "reopened":
                self._go(L, self.now)
                return
            t = work(T, t + self._gap(1, 72))
            if not self._go(L, t):
                return
            self._transition(L, t, handler, "start_investigation")
            if not self._investigate(L, t, handler, target):
                return
            t = L.tick
        t = work(T, t + self._gap(48, 500))
        if self._go(L, t):
            self._transition(L, t, handler, "close")
            self._go(L, self.now)

    def _investigate(self, L: _Life, t: int, handler: _Actor, target: str) -> bool:
        """From the start of an investigation to the answer: notes, messages, a progress report, an extension,
        a document; then the answer (on time mostly). False when "now" comes first."""
        rng, T, pools, lang = self.rng, L.T, self.pools, L.T.lang
        answer_t = self._answer_time(L, t)
        if target == "investigating":
            answer_t = max(answer_t, self.now + DAY)
        extras = []
        if rng.random() < 0.35:
            extras.append("note")
        if rng.random() < 0.12:
            extras.append("staff_message")
        if rng.random() < 0.10 and L.contact_email:
            extras.append("customer_message")
        if rng.random() < 0.03:
            extras.append("attach")
        if rng.random() < 0.05:
            extras.append("extend")
        progress = L.steps.get("progress")
        if progress is not None and progress.done_at is None and progress.due and rng.random() < 0.92:
            extras.append("progress")
        moments = sorted(t + int((answer_t - t) * rng.random() * 0.9) for _ in extras)
        rng.shuffle(extras)
        for kind, moment in zip(extras, moments, strict=True):
            if kind == "progress":  # before the progress report is due, if the investigation is that long
                due = L.steps["progress"].due
                moment = min(self._work_time(T, moment), self._last_work_moment(T, due, 10 * HOUR)) if due else moment
            elif kind != "customer_message":
                moment = self._work_time(T, moment)
            if not self._go(L, moment):
                return False
            if kind == "note":
                self._entry(L, moment, "note", handler, pools.pick(rng, pools.notes, lang))
                self._audit(L, moment, handler, "complaint.note")
            elif kind == "staff_message":
                self._message(L, moment, handler, pools.pick(rng, pools.staff_message, lang), from_customer=False)
            elif kind == "customer_message":
                mail = _Actor(None, "e-mail", "system")
                self._message(L, moment, mail, pools.pick(rng, pools.customer_message, lang), from_customer=True)
            elif kind == "attach":
                self._attach(L, moment, handler)
            elif kind == "extend":
                self._extend(L, moment, handler)
                answer_t = max(answer_t, self._answer_time(L, L.tick))
            elif kind == "progress" and L.steps["progress"].done_at is None:
                self._progress(L, moment, handler)
        answer_t = max(answer_t, L.tick + HOUR)
        if not self._go(L, answer_t):
            return False
        self._transition(L, answer_t, handler, "answer", pools.pick(rng, pools.answers, lang))
        return True

    def _answer_time(self, L: _Life, t: int) -> int:
        """When the handler answers: before the due date mostly, some late."""
        rng, T = self.rng, L.T
        start = t + 2 * HOUR
        answer = L.steps.get("answer")
        due = answer.due if answer else None
        if due is None:
            return self._work_time(T, start + self._gap(48, 300))
        last = self._last_work_moment(T, due, 15 * HOUR)
        if last > start and rng.random() < 0.95:
            return min(last, self._work_time(T, start + int((last - start) * rng.random())))
        return self._work_time(T, max(last, start) + (1 + rng.randrange(12)) * DAY)

    def _last_work_moment(self, T: _Tenant, due: date, tod: int) -> int:
        """A time of day on the last weekday on or before `due`."""
        day = date_day(due)
        while (day + 3) % 7 >= 5:
            day -= 1
        return T.zone.at(day, tod)

    def _reopen(self, L: _Life, t: int) -> None:
        """The customer disputes the answer: by e-mail (services.complaint_add_message) or on the phone."""
        rng, T = self.rng, L.T
        body = self.pools.pick(rng, self.pools.reopen, T.lang)
        if L.contact_email and rng.random() < 0.6:
            mail = _Actor(None, "e-mail", "system")
            self._message(L, t, mail, body, from_customer=True)
            self._transition(L, t, mail.as_system(), "reopen", body, record_text=False)
        else:
            t = self._work_time(T, t)
            self._go(L, t)
            self._transition(L, t, rng.choice(T.staff["agent"]), "reopen", body)

    # ---- the end: counters, chain heads, sequences, the record of what was made

    def _finish(self) -> None:
        with self.conn.cursor() as cur:
            for T in self.tenants:
                for year, last in sorted(T.counters.items()):
                    cur.execute(
                        "INSERT INTO complaints_referencecounter (tenant_id, year, last) VALUES (%s, %s, %s) "
                        "ON CONFLICT ON CONSTRAINT refcounter_tenant_year DO UPDATE SET last = EXCLUDED.last",
                        [T.id, year, last],
                    )
                cur.execute(
                    "INSERT INTO audit_auditchainhead (tenant_id, seq, last_hash) VALUES (%s, %s, %s) "
                    "ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, last_hash = EXCLUDED.last_hash",
                    [T.id, T.seq, T.prev],
                )
            for table, last in self.next_ids.items():
                if last:
                    cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last])
            data = {"version": VERSION, "seed": self.seed, "tenants": self.n_tenants, "size": self.size,
                    "now": self.now, "batches": self.batches}  # fmt: skip
            cur.execute(
                f"INSERT INTO {MARKER} (id, data) VALUES (1, %s) "  # noqa: S608
                "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated = now()",
                [json.dumps(data)],
            )

    def _write_anchors(self) -> None:
        """After commit, as audit_seal does: one line per seal in the tenant's append-only anchor file."""
        from querela.audit.anchors import anchor_write

        for code, anchor in self.anchors:
            anchor_write(tenant_code=code, anchor=anchor)

    def _attachment_files(self) -> None:
        """A few small real files under MEDIA_ROOT, shared by every attachment row of their kind."""
        from django.conf import settings

        self.files: list[tuple[str, int, str, str, str]] = []
        for ext, content, ctype in _attachment_bytes():
            sha = hashlib.sha256(content).hexdigest()
            name = f"attachments/bench/bench-{sha[:12]}.{ext}"
            path = Path(settings.MEDIA_ROOT) / name
            if not path.exists() or path.read_bytes() != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            self.files.append((name, len(content), sha, ctype, f".{ext}"))


_GENERATOR: _Generator | None = None  # the forked workers' copy: set before the pool starts its work


def _make_chunk(bounds: tuple[int, int]) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    gen = _GENERATOR
    assert gen is not None
    return [gen._make(spec) for spec in gen.specs[bounds[0] : bounds[1]]]


def _memo(fn: Any) -> Any:
    cache: dict[Any, Any] = {}

    def wrapped(arg: Any) -> Any:
        value = cache.get(arg)
        if value is None:
            value = cache[arg] = fn(arg)
        return value

    return wrapped


def _attachment_bytes() -> list[tuple[str, bytes, str]]:
    """Small real files: a PDF, a PNG, a JPEG (when Pillow is installed) and a text file."""
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<<>>>>endobj\n"
        b"4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 72 760 Td (Querela bench) Tj ET\nendstream endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    width = height = 32
    pixels = [bytes((x * 8 % 256, y * 8 % 256, 160)) for y in range(height) for x in range(width)]
    rows = b"".join(b"\x00" + b"".join(pixels[y * width : (y + 1) * width]) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00")
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
    files = [
        ("pdf", pdf, "application/pdf"),
        ("png", png, "image/png"),
        ("txt", "Mérőállás / odczyt / index: 004512 kWh\n".encode(), "text/plain"),
    ]
    try:
        import io

        from PIL import Image
    except ImportError:
        return files
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), b"".join(pixels)).save(out, "JPEG", quality=80)
    files.append(("jpg", out.getvalue(), "image/jpeg"))
    return files


if __name__ == "__main__":
    main()
