"""The peer side of `make bench`: django-helpdesk 2.6.1, installed and served from its own virtualenv.

Runs in our interpreter (/work/main/.venv/bin/python; standard library plus psycopg) and drives the
peer through subprocesses in the peer's venv, so the two systems never share packages.

    python benchmarks/peer/peer.py install          # venv, pip, database, migrate, staff user + queue
    python benchmarks/peer/peer.py load 200000      # bring the ticket count to exactly 200,000
    python benchmarks/peer/peer.py serve --port 8765
    python benchmarks/peer/peer.py check            # serve, create a few tickets, list them, stop

Environment:
    PEER_VENV          the peer's virtualenv (default <repo>/var/bench/peer-venv)
    PEER_DATABASE_URL  its database (default postgres://postgres@127.0.0.1:5432/querela_bench_peer)

Everything generated (venv, pip cache, logs, secret key, bytecode) stays under <repo>/var/bench/.
All traffic is to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SITE_DIR = HERE / "site"
VAR_DIR = REPO / "var" / "bench"
PEER_VAR_DIR = VAR_DIR / "peer"

HOST = "127.0.0.1"
HELPDESK_VERSION = "2.6.1"
PIP_REQUIREMENTS = (f"django-helpdesk=={HELPDESK_VERSION}", "gunicorn", "psycopg[binary]")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/querela_bench_peer"
STAFF_USER = "bench-staff"
# A throwaway account in a loopback-only benchmark database, not a secret.
STAFF_PASSWORD = "bench-staff-password"  # noqa: S105
QUEUE_SLUG = "complaints"
LOGIN_PATH = "/login/"  # helpdesk's own login form (fields username, password, csrfmiddlewaretoken)
GUNICORN_WORKERS = 2
# Text of the tickets created through the API; the loaded tickets use the seed given to load().
REQUEST_TEXT_SEED = 7

try:  # imported as benchmarks' peer.peer
    from .complaint_text import ComplaintText
except ImportError:  # run as a script, or imported with benchmarks/peer itself on sys.path
    from complaint_text import ComplaintText


# ---------------------------------------------------------------- configuration
def peer_venv() -> Path:
    return Path(os.environ.get("PEER_VENV") or VAR_DIR / "peer-venv")


def database_url() -> str:
    return os.environ.get("PEER_DATABASE_URL") or DEFAULT_DATABASE_URL


def _peer_env() -> dict[str, str]:
    """Environment for every process that runs in the peer's venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME", "DJANGO_SETTINGS_MODULE")}
    env.update(
        PYTHONPATH=f"{SITE_DIR}{os.pathsep}{HERE}",  # the site's settings/urls/wsgi, complaint_text
        DJANGO_SETTINGS_MODULE="settings",
        PEER_DATABASE_URL=database_url(),
        PEER_VAR_DIR=str(PEER_VAR_DIR),
        # bytecode of the committed site folder goes under var/, not next to the sources
        PYTHONPYCACHEPREFIX=str(VAR_DIR / "pycache"),
        PIP_CACHE_DIR=str(VAR_DIR / "pip-cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


def _log(msg: str) -> None:
    print(f"[peer {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _run_peer(
    args: list[str], *, quiet: bool = False, extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command from the peer venv; output streams through unless quiet (then stdout is returned)."""
    # Fixed executables from our own venv folder, arguments built here: no shell, nothing untrusted.
    return subprocess.run(  # noqa: S603
        args,
        env={**_peer_env(), **(extra_env or {})},
        check=True,
        text=True,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
        cwd=SITE_DIR,
    )


# ---------------------------------------------------------------- install
def _python311() -> str:
    found = shutil.which("python3.11")
    if found:
        return found
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    raise SystemExit("peer: python3.11 not found (django-helpdesk 2.6.1 is measured on Python 3.11)")


def installed_versions() -> dict[str, str] | None:
    """Versions of the peer's packages, or None when its venv lacks one of them."""
    python = peer_venv() / "bin" / "python"
    if not python.exists():
        return None
    probe = (
        "import json; from importlib.metadata import version as v\n"
        "names = ('django-helpdesk', 'django', 'djangorestframework', 'gunicorn', 'psycopg', 'psycopg-binary')\n"
        "print(json.dumps({n: v(n) for n in names}))"
    )
    try:
        out = _run_peer([str(python), "-c", probe], quiet=True).stdout
    except subprocess.CalledProcessError:
        return None
    versions: dict[str, str] = json.loads(out)
    return versions if versions.get("django-helpdesk") == HELPDESK_VERSION else None


def _connect(url: str) -> Any:
    import psycopg  # our venv has it (Querela depends on it); imported late so --help works without it

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def _ensure_database() -> None:
    from psycopg import sql

    parts = urlsplit(database_url())
    name = parts.path.lstrip("/")
    with _connect(parts._replace(path="/postgres").geturl()) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        _log(f"creating database {name}")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_installed() -> Path:
    """Create the peer's venv and database, migrate, add the staff user and queue. Idempotent."""
    t0 = time.perf_counter()
    venv = peer_venv()
    python = venv / "bin" / "python"
    if not python.exists():
        _log(f"creating venv {venv}")
        subprocess.run([_python311(), "-m", "venv", str(venv)], check=True)  # noqa: S603
    versions = installed_versions()
    if versions is None:
        _log(f"pip install {' '.join(PIP_REQUIREMENTS)}")  # -qq: errors only, not this machine's index notes
        _run_peer([str(python), "-m", "pip", "install", "-qq", *PIP_REQUIREMENTS])
        versions = installed_versions()
        if versions is None:
            raise SystemExit(f"peer: django-helpdesk {HELPDESK_VERSION} is still missing from {venv} after pip")
    else:
        _log(f"django-helpdesk {HELPDESK_VERSION} already installed in {venv}")
    _ensure_database()
    _log("migrate, staff user, queue")
    _run_peer(
        [str(python), str(HERE / "setup_site.py"), "--user", STAFF_USER, "--queue", QUEUE_SLUG],
        extra_env={"PEER_STAFF_PASSWORD": STAFF_PASSWORD},
    )
    _log(f"ready in {time.perf_counter() - t0:.1f} s: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    return venv


# ---------------------------------------------------------------- data
def count_tickets() -> int:
    with _connect(database_url()) as conn:
        row = conn.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()
    return int(row[0])


@functools.cache
def queue_id() -> int:
    with _connect(database_url()) as conn:
        row = conn.execute("SELECT id FROM helpdesk_queue WHERE slug = %s", (QUEUE_SLUG,)).fetchone()
    if row is None:
        raise SystemExit("peer: no queue yet; run ensure_installed() first")
    return int(row[0])


def load(size: int, seed: int = 1) -> None:
    """Bring the peer's ticket count to exactly `size` (adds seeded tickets, or trims the newest)."""
    current = count_tickets()
    if current == size:
        _log(f"{current} tickets already; nothing to load")
        return
    python = peer_venv() / "bin" / "python"
    _run_peer([str(python), str(HERE / "load_tickets.py"), "--target", str(size), "--seed", str(seed)])


# ---------------------------------------------------------------- server
def _get(port: int, path: str, timeout: float = 10) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def start_server(port: int) -> subprocess.Popen[bytes]:
    """gunicorn, 2 sync workers on 127.0.0.1:port; returns once the login page answers 200."""
    try:
        _get(port, "/", timeout=1)
    except OSError:
        pass  # nothing listens there: good
    else:
        raise SystemExit(f"peer: something already answers on {HOST}:{port}")
    PEER_VAR_DIR.mkdir(parents=True, exist_ok=True)
    log_path = PEER_VAR_DIR / f"gunicorn-{port}.log"
    gunicorn = str(peer_venv() / "bin" / "gunicorn")
    cmd = [
        gunicorn,
        "wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(GUNICORN_WORKERS),
        "--worker-class", "sync",
        # the ticket list at 1M tickets takes seconds; the default 30 s would kill slow requests
        "--timeout", "300",
        "--chdir", str(SITE_DIR),
        "--error-logfile", str(log_path),
    ]  # fmt: skip
    if _has_control_socket(gunicorn):
        # gunicorn >= 27 opens ~/.gunicorn/gunicorn.ctl by default: outside var/, and shared with any
        # other gunicorn on the machine (Querela's own server included), which would then fight over it.
        cmd.append("--no-control-socket")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, env=_peer_env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"peer: gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            if _get(port, LOGIN_PATH) == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit(f"peer: gunicorn did not answer on {HOST}:{port} within 60 s; see {log_path}")


@functools.cache
def _has_control_socket(gunicorn: str) -> bool:
    usage = subprocess.run([gunicorn, "--help"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return "--no-control-socket" in usage


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the gunicorn master (it stops its workers gracefully); SIGKILL after 30 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- requests
def login_headers(base_url: str) -> dict[str, str]:
    """Log the staff user in through the peer's login form, as a browser would.

    Returns {"Cookie": ..., "X-CSRFToken": ...}: enough for the staff pages (session only) and for
    API writes (DRF's SessionAuthentication wants the CSRF header too).
    """
    parts = urlsplit(base_url)
    if parts.hostname != HOST:
        raise ValueError(f"peer: benchmark traffic stays on {HOST}, not {parts.hostname}")
    conn = http.client.HTTPConnection(HOST, parts.port or 80, timeout=60)
    try:
        conn.request("GET", LOGIN_PATH)
        resp = conn.getresponse()
        page = resp.read().decode()
        cookies = _cookies(resp)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if resp.status != 200 or token is None or "csrftoken" not in cookies:
            raise SystemExit(f"peer: login page answered {resp.status} without a CSRF token")
        form = urlencode(
            {"username": STAFF_USER, "password": STAFF_PASSWORD, "next": "/tickets/", "csrfmiddlewaretoken": token[1]}
        )
        conn.request(
            "POST",
            LOGIN_PATH,
            body=form,
            headers={
                "Cookie": f"csrftoken={cookies['csrftoken']}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        resp = conn.getresponse()
        resp.read()
        cookies.update(_cookies(resp))  # login rotates the CSRF token
    finally:
        conn.close()
    if resp.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"peer: login as {STAFF_USER} failed (HTTP {resp.status})")
    return {
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
    }


def _cookies(resp: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in resp.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def basic_auth_headers() -> dict[str, str]:
    """HTTP Basic for the staff user: accepted by the API (DRF's default BasicAuthentication), but
    every request then pays Django's password hash (PBKDF2, 1,000,000 rounds in Django 5.2)."""
    token = base64.b64encode(f"{STAFF_USER}:{STAFF_PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@functools.cache
def _request_text() -> ComplaintText:
    return ComplaintText(REQUEST_TEXT_SEED, pool_size=500)


def create_request(n: int | str, auth: Mapping[str, str] | None = None) -> dict[str, Any]:
    """POST /api/tickets/ creating complaint number n; `body` is the JSON text (a str, UTF-8 on the wire).

    n: an int, or a placeholder such as "{n}" for a load generator to fill in (the text around it is then
    the same for every request; with ints it differs per n, reproducibly).

    auth: headers to authenticate with, e.g. login_headers(base_url) (session + CSRF, what a signed-in
    handler's browser sends), or {} when the client logs in by itself; default HTTP Basic, which makes
    the peer hash the password on every request (~250 ms of CPU here).
    """
    text = _request_text()
    rng = random.Random(f"create:{n}")
    customer_no = rng.randrange(250_000)
    name = text.name(rng)
    body = {
        "queue": queue_id(),
        "title": f"{text.subject(rng)} (complaint {n})",
        "description": text.description(rng, name, 300, 900) + f"\nComplaint {n}",
        "submitter_email": text.email(customer_no),
        "priority": rng.choices((1, 2, 3, 4, 5), weights=(5, 15, 60, 15, 5))[0],
    }
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    headers.update(basic_auth_headers() if auth is None else auth)
    return {"method": "POST", "path": "/api/tickets/", "headers": headers, "body": json.dumps(body, ensure_ascii=False)}


# The staff ticket list's default view, as helpdesk's ticket_list page asks its DataTable to fetch it:
# open + reopened tickets sorted by creation, first page of 25 (the user setting's default). The page
# itself (/tickets/) is an HTML shell; the rows come from this endpoint. Same key order and standard
# base64 as helpdesk.query.query_to_base64, so the path is byte for byte the one the page embeds.
_LIST_QUERY = {"filtering": {"status__in": [1, 2]}, "sorting": "created", "search_string": "", "sortreverse": False}
_LIST_COLUMNS = (
    "id", "ticket", "priority", "queue", "status", "created", "due_date",
    "assigned_to", "submitter", "last_followup", "time_spent", "kbitem",
)  # fmt: skip


def list_request(auth: Mapping[str, str] | None = None, page_length: int = 25) -> dict[str, Any]:
    """GET of the rows of the staff ticket list (the JSON its DataTable loads). Needs a session:
    pass auth=login_headers(base_url) or merge those headers in later."""
    encoded = base64.b64encode(json.dumps(_LIST_QUERY).encode()).decode()
    params: list[tuple[str, str]] = [("draw", "1")]
    for i, column in enumerate(_LIST_COLUMNS):  # what DataTables sends in server-side mode
        params += [(f"columns[{i}][data]", column), (f"columns[{i}][name]", ""),
                   (f"columns[{i}][searchable]", "true"), (f"columns[{i}][orderable]", "false" if i == 0 else "true"),
                   (f"columns[{i}][search][value]", ""), (f"columns[{i}][search][regex]", "false")]  # fmt: skip
    params += [("start", "0"), ("length", str(page_length)), ("search[value]", ""), ("search[regex]", "false")]
    headers = {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest", **(auth or {})}
    path = f"/datatables_ticket_list/{encoded}?{urlencode(params)}"
    return {"method": "GET", "path": path, "headers": headers, "body": None}


def list_page_request(auth: Mapping[str, str] | None = None) -> dict[str, Any]:
    """GET /tickets/, the HTML page a handler opens first (it carries no rows itself)."""
    return {"method": "GET", "path": "/tickets/", "headers": {"Accept": "text/html", **(auth or {})}, "body": None}


def send(base_url: str, request: Mapping[str, Any], timeout: float = 300) -> tuple[int, bytes, float]:
    """Send one request dict to the peer; (status, body, seconds). A convenience for checks, not a load tool."""
    parts = urlsplit(base_url)
    if parts.hostname != HOST:
        raise ValueError(f"peer: benchmark traffic stays on {HOST}, not {parts.hostname}")
    conn = http.client.HTTPConnection(HOST, parts.port or 80, timeout=timeout)
    t0 = time.perf_counter()
    try:
        data = request["body"].encode() if request["body"] is not None else None
        conn.request(request["method"], request["path"], body=data, headers=request["headers"])
        resp = conn.getresponse()
        payload = resp.read()
    finally:
        conn.close()
    return resp.status, payload, time.perf_counter() - t0


# ---------------------------------------------------------------- CLI
def check(port: int, creates: int = 5) -> dict[str, Any]:
    """Serve the peer, create tickets with both kinds of auth, fetch the list; fail loudly on surprises."""
    import urllib.request

    base = f"http://{HOST}:{port}"
    proc = start_server(port)
    try:
        before = count_tickets()
        session = login_headers(base)
        timings: dict[str, list[float]] = {"create_basic_ms": [], "create_session_ms": []}
        for i in range(creates):
            for kind, auth in (("create_basic_ms", None), ("create_session_ms", session)):
                req = create_request(before + 2 * i + (kind == "create_session_ms"), auth)
                # urllib on purpose: the client the lead's harness uses
                r = urllib.request.Request(  # noqa: S310 (a loopback http URL built above)
                    base + req["path"], data=req["body"].encode(), headers=req["headers"], method="POST"
                )
                t0 = time.perf_counter()
                with urllib.request.urlopen(r, timeout=60) as resp:  # noqa: S310 (loopback URL built above)
                    status, payload = resp.status, json.loads(resp.read())
                timings[kind].append(round((time.perf_counter() - t0) * 1000, 1))
                if status != 201 or "id" not in payload:
                    raise SystemExit(f"peer: create answered {status}: {payload}")
        after = count_tickets()
        if after - before != 2 * creates:
            raise SystemExit(f"peer: {2 * creates} creates but the count went {before} -> {after}")
        status, body, seconds = send(base, list_request(session))
        rows = json.loads(body) if status == 200 else {}
        if status != 200 or not rows.get("data"):
            raise SystemExit(f"peer: list answered {status}: {body[:300]!r}")
        page_status, _, page_seconds = send(base, list_page_request(session))
        return {
            "tickets_before": before,
            "tickets_after": after,
            **timings,
            "list_status": status,
            "list_rows": len(rows["data"]),
            "list_records_total": rows.get("recordsTotal"),
            "list_ms": round(seconds * 1000, 1),
            "list_page_status": page_status,
            "list_page_ms": round(page_seconds * 1000, 1),
        }
    finally:
        stop_server(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description="Drive the peer system, django-helpdesk 2.6.1.")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="ensure_installed()")
    p_load = sub.add_parser("load", help="load(size, seed)")
    p_load.add_argument("size", type=int)
    p_load.add_argument("--seed", type=int, default=1)
    p_serve = sub.add_parser("serve", help="start_server(port) until Ctrl-C")
    p_serve.add_argument("--port", type=int, default=8765)
    p_check = sub.add_parser("check", help="serve, create a few tickets, list them, stop")
    p_check.add_argument("--port", type=int, default=8765)
    p_check.add_argument("--creates", type=int, default=5)
    args = ap.parse_args()

    if args.command == "install":
        ensure_installed()
    elif args.command == "load":
        t0 = time.perf_counter()
        load(args.size, args.seed)
        _log(f"load({args.size}) took {time.perf_counter() - t0:.1f} s")
    elif args.command == "serve":
        proc = start_server(args.port)
        _log(f"gunicorn pid {proc.pid} on http://{HOST}:{args.port}/ (staff {STAFF_USER}); Ctrl-C stops it")
        try:
            proc.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop_server(proc)
    elif args.command == "check":
        print(json.dumps(check(args.port, args.creates), indent=1))


if __name__ == "__main__":
    main()
