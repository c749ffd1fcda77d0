"""Our side of `make bench`: a scratch database, Querela under gunicorn as in production, and its memory.

    create_database(url, fresh=True); migrate(url); seed_demo(url)
    token = api_token(url, "opt.agent", "OPT")
    proc = start_querela(8001, url)      # production settings, DEBUG off, whitenoise, 127.0.0.1 only
    ... drive it with loadgen ...
    peak = peak_rss_mb(proc.pid)         # before stop: the workers' VmHWM dies with them
    stop(proc)

Every command here runs with the same environment (`querela_env`), so the secret key that signs sessions and
keys the audit chain is the same for migrate, seed, token and server. Files go under var/bench/querela/.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
BENCH_DIR = ROOT / "var" / "bench"
VAR_DIR = BENCH_DIR / "querela"

# Settings the shell may carry that would silently change what is measured; the caller passes them in `env`.
_NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")

_logs: dict[int, IO[bytes]] = {}


def _secret_key() -> str:
    """One key for every bench run: sessions and the audit chain's MAC written by `seed_demo` stay valid later."""
    path = BENCH_DIR / "secret_key"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def querela_env(database_url: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every Querela process in the benchmark: production settings on plain loopback HTTP."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("QUERELA_") and k not in _NOT_INHERITED}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "querela.settings.production",
            "DATABASE_URL": database_url,
            "QUERELA_SECRET_KEY": _secret_key(),
            "QUERELA_DEBUG": "0",
            # No TLS proxy in front of the benchmark: production's redirect to https would answer every request
            # with a 301. (Secure cookies still work: the load client sends them back over plain HTTP.)
            "QUERELA_SSL_REDIRECT": "0",
            "QUERELA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "QUERELA_VAR_DIR": str(VAR_DIR),
            # Mail the requests trigger is dropped, not sent to whatever listens on :1025.
            "QUERELA_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "QUERELA_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    base.update(env or {})
    return base


def _querela(database_url: str, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(  # noqa: S603 -- our own console script with fixed arguments
        [str(VENV_BIN / "querela"), *args],
        cwd=ROOT,
        env=querela_env(database_url, env),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"querela {' '.join(args[:2])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


def create_database(database_url: str, *, fresh: bool = False) -> None:
    """Create the PostgreSQL database named in the URL (dropping it first when `fresh`); refuses non-local hosts."""
    import psycopg
    from psycopg import sql

    url = urlsplit(database_url)
    if url.scheme not in ("postgres", "postgresql") or url.hostname not in ("127.0.0.1", "localhost"):
        raise ValueError(f"a local PostgreSQL URL is needed, not {database_url!r}")
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate(database_url: str, env: dict[str, str] | None = None) -> None:
    """`querela migrate` against the database (creates or upgrades its tables)."""
    _querela(database_url, "migrate", "--no-input", "-v", "0", env=env)


def seed_demo(database_url: str, env: dict[str, str] | None = None) -> None:
    """`querela seed_demo`: the four demo tenants with staff (password demo-pass-2026), customers, complaints."""
    _querela(database_url, "seed_demo", "-v", "0", env=env)


_ISSUE_SCRIPT = """
from django.contrib.auth import get_user_model
from querela.core import tenancy
from querela.tenants.access import actor_for
from querela.tenants.models import Tenant
from querela.tenants.tokens import api_token_issue
tenant = Tenant.objects.get(code={tenant!r})
actor = actor_for(get_user_model().objects.get(username={username!r}), tenant)
with tenancy.tenant_scope(tenant):  # as the API view does: the token and its audit entry belong to the tenant
    print("TOKEN=" + api_token_issue(actor=actor))
"""


def api_token(database_url: str, username: str, tenant_code: str, env: dict[str, str] | None = None) -> str:
    """A fresh API token for a staff member in a tenant (replacing their earlier one), through the same service
    as `POST /api/v1/t/<CODE>/token/`."""
    out = _querela(database_url, "shell", "-c", _ISSUE_SCRIPT.format(tenant=tenant_code, username=username), env=env)
    return next(line[6:] for line in out.splitlines() if line.startswith("TOKEN="))


def _static_sources() -> str:
    """A fingerprint of every file collectstatic would copy (ours and the installed packages')."""
    digest = hashlib.sha256()
    roots = [
        *sorted((ROOT / "src" / "querela").glob("*/static")),
        *sorted(VENV_BIN.parent.glob("lib/*/site-packages/*/static")),
    ]
    for root in roots:
        for path in sorted(root.rglob("*")):
            st = path.stat()
            digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collectstatic(database_url: str, env: dict[str, str] | None = None) -> None:
    """Fill STATIC_ROOT, which whitenoise reads at start; skipped when nothing changed since the last time, since
    compressing the API docs' assets takes about 15 s."""
    stamp = VAR_DIR / "static.stamp"
    fingerprint = _static_sources()
    if stamp.exists() and stamp.read_text() == fingerprint and (VAR_DIR / "static").is_dir():
        return
    _querela(database_url, "collectstatic", "--no-input", "-v", "0", env=env)
    stamp.write_text(fingerprint)


def _answers(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def _port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_querela(
    port: int,
    database_url: str,
    workers: int = 2,
    env: dict[str, str] | None = None,
    *,
    threads: int = 4,
    timeout_s: float = 60,
    gunicorn_args: list[str] | None = None,
) -> subprocess.Popen[bytes]:
    """Querela under gunicorn on 127.0.0.1:`port`, as `querela serve` runs it (gthread, `threads` per worker) but
    with production settings and no access log; returns once every worker answers. The log is
    var/bench/querela-<port>.log."""
    if _port_taken(port):
        raise RuntimeError(f"port {port} is already in use: a leftover server would be measured instead")
    full_env = querela_env(database_url, env)
    collectstatic(database_url, env)
    if not full_env.get("REDIS_URL"):
        # The file cache holds the throttle and login-limit history: a run must not inherit the last one's.
        shutil.rmtree(Path(full_env["QUERELA_VAR_DIR"]) / "cache", ignore_errors=True)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log = (BENCH_DIR / f"querela-{port}.log").open("wb")
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "querela.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--graceful-timeout",
        "5",
        # gunicorn 23+ opens ~/.gunicorn/gunicorn.ctl by default: shared by every server on the machine.
        "--no-control-socket",
        *(gunicorn_args or []),
    ]
    # Own session: stop() can end the master and its workers as one group if the master stops answering.
    proc = subprocess.Popen(  # noqa: S603 -- the venv's gunicorn with fixed arguments
        cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    _logs[proc.pid] = log
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            _logs.pop(proc.pid).close()
            tail = (BENCH_DIR / f"querela-{port}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"gunicorn exited ({proc.returncode}) before answering:\n{tail}")
        if len(_workers(proc.pid)) >= workers and _answers(port, "/login/") == 200:
            break
        if time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"Querela did not answer on port {port} within {timeout_s:.0f}s")
        time.sleep(0.2)
    # The first answer proves one worker; the others booted alongside it. Concurrent requests reach them all, so
    # their first-request imports (URLconf, views, templates) happen here, not in the timed run. A loadgen
    # warmup_s of a few seconds covers whatever is left.
    with ThreadPoolExecutor(workers * threads) as pool:
        list(pool.map(lambda _: _answers(port, "/login/"), range(workers * threads * 4)))
    return proc


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 15) -> None:
    """Gunicorn's graceful stop (SIGTERM to the master); the whole process group is killed if that hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group start_querela created for this server only
            proc.wait()
    log = _logs.pop(proc.pid, None)
    if log is not None:
        log.close()


def _workers(pid: int) -> list[int]:
    """The children of `pid` (gunicorn's workers), read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        # Field 4 is the parent; the command name (field 2) may contain spaces, so split after its ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_rss_mb(pid: int) -> float:
    """The highest peak resident memory (VmHWM) among the gunicorn master `pid`'s workers, in MiB; the process
    itself when it has no children. Call it before stop(): the figure goes with the process."""
    pids = _workers(pid) or [pid]
    peaks = []
    for p in pids:
        try:
            peaks.append(_status_kb(p, "VmHWM"))
        except OSError:
            continue
    return round(max(peaks, default=0) / 1024, 1)
