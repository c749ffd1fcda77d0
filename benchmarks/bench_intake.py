"""`make bench`'s main table: Querela and the peer (django-helpdesk 2.6.1) in one run, on the same
PostgreSQL, the same data volume and the same load client, next to PostgreSQL's own rate.

    python benchmarks/bench_intake.py                    # sizes 100,000 and 1,000,000 complaints
    BENCH_SIZES=20000 python benchmarks/bench_intake.py  # a quick run

For each size: our data generated (benchmarks/datagen.py) and the peer's tickets loaded through its models;
both served by gunicorn with 2 sync workers on loopback; 8 clients from a separate process
(benchmarks/loadgen.py) alternate between the two systems in rounds, so both see the same machine. Then
the job-worker scenarios (deadline sweep, e-mail) in a process of their own (benchmarks/bench_jobs.py).
Prints one table and writes every figure to var/bench/results-<time>.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "peer")]

import loadgen  # noqa: E402
import peer  # noqa: E402
import pg_reference  # noqa: E402
import servers  # noqa: E402

PG = os.environ.get("QUERELA_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
OUR_DB = f"{PG}/querela_bench"
OUR_PORT, PEER_PORT = 8311, 8312
CLIENTS = 8
ROUND_S = float(os.environ.get("BENCH_ROUND_S", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "100000,1000000").split(",") if s.strip()]
SYNC_WORKERS = ["--worker-class", "sync", "--timeout", "300"]  # the peer's setup: 2 sync workers
# Every client signs in once per scenario from 127.0.0.1: the login limit is for strangers, not for the bench.
SERVER_ENV = {"QUERELA_RATE_LIMIT_LOGIN": "100000"}


def _log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _sql(query: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(OUR_DB, autocommit=True) as conn:
        return list(conn.execute(query, params).fetchall())


def _bench_identity() -> dict[str, Any]:
    """The first tenant of the generated data, its agent and handler, a customer with a place, some references."""
    import datagen

    code, tenant_id = _sql("SELECT code, id FROM tenants_tenant WHERE is_active ORDER BY id LIMIT 1")[0]
    people = {"agent": f"{code.lower()}.agent", "handler": f"{code.lower()}.handler"}  # datagen's bench logins
    customer_id, customer_number, place_id = _sql(
        "SELECT c.id, c.customer_number, p.id FROM customers_customer c"
        " JOIN customers_consumptionplace p ON p.customer_id = c.id WHERE c.tenant_id = %s ORDER BY c.id LIMIT 1",
        tenant_id,
    )[0]
    refs = [
        r[0]
        for r in _sql(
            "SELECT reference FROM complaints_complaint WHERE tenant_id = %s ORDER BY id DESC LIMIT %s",
            tenant_id,
            CLIENTS,
        )
    ]
    word = _sql(
        "SELECT split_part(subject, ' ', 1) FROM complaints_complaint WHERE tenant_id = %s ORDER BY id LIMIT 1",
        tenant_id,
    )[0][0]
    return {
        "code": code,
        "tenant_id": tenant_id,
        "agent": people["agent"],
        "handler": people["handler"],
        "password": datagen.PASSWORD,
        "customer_id": customer_id,
        "customer_number": customer_number,
        "place_id": place_id,
        "refs": refs,
        "word": word,
    }


def _holds_more_than(size: int) -> bool:
    """A dataset can only grow: a run starting below what the database holds starts from a fresh one."""
    import psycopg

    try:
        with psycopg.connect(OUR_DB, autocommit=True) as conn:
            row = conn.execute("SELECT (data->>'size')::bigint FROM bench_datagen WHERE id = 1").fetchone()
    except psycopg.Error:
        return False  # no database or no dataset yet
    return bool(row and row[0] > size)


def _count_complaints(tenant_id: int) -> int:
    return int(_sql("SELECT count(*) FROM complaints_complaint WHERE tenant_id = %s", tenant_id)[0][0])


def _login(me: dict[str, Any], who: str) -> dict[str, Any]:
    return {"login_path": "/login/", "username": me[who], "password": me["password"]}


def _api_intake(me: dict[str, Any], token: str, peer_auth: dict[str, str]) -> dict[str, Any]:
    ours = {
        "name": "querela_api",
        "base_url": f"http://127.0.0.1:{OUR_PORT}",
        "expect": [201],
        "requests": [
            {
                "method": "POST",
                "path": f"/api/v1/t/{me['code']}/complaints/",
                "headers": {"Authorization": f"Token {token}"},
                "json": {
                    "channel": "phone",
                    "subject": "Kétszer számlázták a novemberi fogyasztást ({n})",
                    "description": "A novemberi számlán kétszer szerepel ugyanaz az időszak. Kérem a javítását. {n}",
                    "customer_number": me["customer_number"],
                    "place_id": me["place_id"],
                    "category": "billing",
                },
            }
        ],
    }
    theirs = {
        "name": "peer_api",
        "base_url": f"http://127.0.0.1:{PEER_PORT}",
        "expect": [201],
        "form_login": {"login_path": peer.LOGIN_PATH, "username": peer.STAFF_USER, "password": peer.STAFF_PASSWORD},
        "requests": [peer.create_request("{n}", auth={"X-CSRFToken": "{csrf}", **peer_auth})],
    }
    # No warm-up: every create is measured, so the rows counted afterwards must equal the successes.
    return {"interleave": [ours, theirs], "round_s": ROUND_S, "rounds": ROUNDS, "warmup_s": 0, "concurrency": CLIENTS}


def _web_form(me: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "querela_form",
        "base_url": f"http://127.0.0.1:{OUR_PORT}",
        "concurrency": CLIENTS,
        "duration_s": ROUND_S * ROUNDS / 2,
        "warmup_s": 0,
        "expect": [302],
        "form_login": _login(me, "agent"),
        "form_csrf_from": f"/t/{me['code']}/",
        "requests": [
            {
                "method": "POST",
                "path": f"/t/{me['code']}/complaints/register/",
                "form": {
                    "csrfmiddlewaretoken": "{csrf}",
                    "channel": "phone",
                    "kind": "complaint",
                    "category": "billing",
                    "subject": "Hibás mérőállás a számlán ({n})",
                    "description": "A számlán szereplő mérőállás nem egyezik a leolvasottal. {n}",
                    "customer": str(me["customer_id"]),
                    "place": str(me["place_id"]),
                },
            }
        ],
    }


def _reads(me: dict[str, Any]) -> dict[str, Any]:
    """The handler's pages, one spec each; the worklist alternates with the peer's ticket list."""
    base = f"http://127.0.0.1:{OUR_PORT}"
    code = me["code"]

    def ours(name: str, path: str, **extra: Any) -> dict[str, Any]:
        spec = {"name": name, "base_url": base, "form_login": _login(me, "handler")}
        return {**spec, "requests": [{"method": "GET", "path": path}], **extra}

    worklist = ours("querela_worklist", f"/t/{code}/complaints/")
    peer_list = {
        "name": "peer_list",
        "base_url": f"http://127.0.0.1:{PEER_PORT}",
        "form_login": {"login_path": peer.LOGIN_PATH, "username": peer.STAFF_USER, "password": peer.STAFF_PASSWORD},
        "requests": [peer.list_request(auth={})],
    }
    return {
        "interleave": [
            worklist,
            peer_list,
            ours("querela_filtered", f"/t/{code}/complaints/?status=registered&kind=complaint&due=overdue"),
            ours("querela_search", f"/t/{code}/complaints/?q={me['word']}"),
            ours(
                "querela_case_file",
                f"/t/{code}/complaints/{{ref}}/",
                client_vars={"ref": me["refs"]},
            ),
        ],
        "round_s": ROUND_S / 2,
        "rounds": ROUNDS,
        "warmup_s": 2,
        "concurrency": CLIENTS,
    }


def _jobs(what: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 -- our own script with fixed arguments
        [sys.executable, str(HERE / "bench_jobs.py"), what, *args],
        env=servers.querela_env(OUR_DB),
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def measure(size: int) -> dict[str, Any]:
    import datagen

    _log(f"size {size:,}: our data")
    generated = datagen.generate(OUR_DB, size)
    _log(f"size {size:,}: the peer's tickets")
    started = time.monotonic()
    peer.load(size)
    peer_load_s = time.monotonic() - started
    me = _bench_identity()
    token = servers.api_token(OUR_DB, me["agent"], me["code"])
    result: dict[str, Any] = {"size": size, "generated": generated, "peer_load_s": peer_load_s}
    ours = servers.start_querela(OUR_PORT, OUR_DB, workers=2, threads=1, env=SERVER_ENV, gunicorn_args=SYNC_WORKERS)
    theirs = peer.start_server(PEER_PORT)
    try:
        before_ours, before_peer = _count_complaints(me["tenant_id"]), peer.count_tickets()
        _log("API intake, interleaved with the peer")
        intake = loadgen.run_load(_api_intake(me, token, {}))["specs"]
        rows_ours = _count_complaints(me["tenant_id"]) - before_ours
        rows_peer = peer.count_tickets() - before_peer
        result["api"] = {**intake["querela_api"], "rows": rows_ours}
        result["peer_api"] = {**intake["peer_api"], "rows": rows_peer}
        _log("web-form intake")
        before = _count_complaints(me["tenant_id"])
        result["form"] = {**loadgen.run_load(_web_form(me)), "rows": _count_complaints(me["tenant_id"]) - before}
        _log("reads: worklist (with the peer's list), filtered, search, case file")
        result["reads"] = loadgen.run_load(_reads(me))["specs"]
        result["web_rss_mb"] = servers.peak_rss_mb(ours.pid)
    finally:
        servers.stop(ours)
        peer.stop_server(theirs)
    _log("deadline sweep")
    result["sweep"] = _jobs("sweep", "--due", "50")
    _log("e-mail intake")
    result["email"] = _jobs("email", "--mails", os.environ.get("BENCH_MAILS", "300"))
    return result


def _fmt(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(runs: list[dict[str, Any]], reference: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str, str]] = []
    ref_tps = reference.get("tps") or 0.0
    for run in runs:
        n = f"{run['size']:,}"
        gen = run["generated"]
        rows.append(
            (
                f"data ({n})",
                f"{gen.get('action', '')} in {gen.get('seconds', 0):.0f} s",
                f"loaded in {run['peer_load_s']:.0f} s",
                "",
            )
        )
        api, peer_api, form = run["api"], run["peer_api"], run["form"]
        ratio = api["rate"] / peer_api["rate"] if peer_api["rate"] else None
        lat = api["latency_ok_ms"]
        rows.append(
            (
                f"API intake ({n})",
                f"{api['rate']:.0f}/s (p50/95/99 {_fmt(lat['p50'])}/{_fmt(lat['p95'])}/{_fmt(lat['p99'])} ms);"
                f" rows {api['rows']} = ok {api['ok']}",
                f"{peer_api['rate']:.0f}/s (p50 {_fmt(peer_api['latency_ok_ms']['p50'])} ms);"
                f" rows {peer_api['rows']} = ok {peer_api['ok']}",
                f"{_fmt(ratio, 1)}× the peer; {api['rate'] / ref_tps * 100:.1f} % of PostgreSQL" if ref_tps else "",
            )
        )
        rows.append(
            (
                f"web-form intake ({n})",
                f"{form['rate']:.0f}/s (p50 {_fmt(form['latency_ok_ms']['p50'])} ms); rows {form['rows']}",
                "",
                f"{form['rate'] / peer_api['rate']:.1f}× the peer's API" if peer_api["rate"] else "",
            )
        )
        reads = run["reads"]
        for name, label in (
            ("querela_worklist", "worklist"),
            ("querela_filtered", "filtered worklist"),
            ("querela_search", "free-text search"),
            ("querela_case_file", "case file"),
        ):
            r = reads[name]["latency_ok_ms"]
            peer_cell = ""
            if name == "querela_worklist":
                p = reads["peer_list"]["latency_ok_ms"]
                peer_cell = f"ticket list p50/p95 {_fmt(p['p50'])}/{_fmt(p['p95'])} ms"
            rows.append((f"{label} ({n})", f"p50/p95 {_fmt(r['p50'])}/{_fmt(r['p95'])} ms", peer_cell, ""))
        sweep, mail = run["sweep"], run["email"]
        rows.append(
            (
                f"deadline sweep ({n})",
                f"{sweep['handled']} due of {sweep['complaints']:,} in {sweep['seconds'] * 1000:.0f} ms",
                "",
                "",
            )
        )
        rows.append(
            (
                f"e-mail ({n})",
                f"registered {mail['registered_per_s']:.0f}/s by {mail['workers']} workers;"
                f" parse {mail['parse_per_s']:.0f}/s by one",
                "",
                f"{mail['registered_per_s'] / mail['parse_per_s'] * 100:.1f} % of the parse rate",
            )
        )
        job_rss = max(mail["worker_rss_mb"], sweep["peak_rss_mb"])
        rows.append((f"peak RSS ({n})", f"web worker {run['web_rss_mb']} MB; job worker {job_rss} MB", "", ""))
    if len(runs) >= 2:
        first, last = runs[0]["sweep"]["seconds"], runs[-1]["sweep"]["seconds"]
        rows.append(("sweep, largest vs smallest", "", "", f"{(last / first - 1) * 100:+.0f} %"))
    rows.append(("PostgreSQL reference", f"{ref_tps:,.0f} tx/s (3 inserts each, 8 clients)", "", ""))
    widths = [max(len(r[i]) for r in [*rows, ("scenario", "Querela", "peer", "ratio")]) for i in range(4)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(("scenario", "Querela", "peer", "ratio"), widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def main() -> None:
    started = time.monotonic()
    _log(f"sizes {SIZES}; rounds of {ROUND_S:g} s × {ROUNDS}, {CLIENTS} clients")
    peer.ensure_installed()
    servers.create_database(OUR_DB, fresh=_holds_more_than(min(SIZES)))
    servers.migrate(OUR_DB)
    runs = [measure(size) for size in sorted(SIZES)]
    _log("PostgreSQL reference (pgbench)")
    reference = pg_reference.reference(15)
    out = servers.BENCH_DIR / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"runs": runs, "reference": reference}, indent=1, default=str))
    print(table(runs, reference))
    print(f"\n(all figures: {out}; {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
