"""Querela on more than one process, with real processes (issue 15, item 2).

Two web processes (gunicorn, production settings, no local state), two Huey workers on Redis and two SMTP
intake processes, against one PostgreSQL database (with the replica alias pointing at it: a second
connection, as a read replica would be) and one Redis. Complaints come in concurrently over HTTP (the API,
both web processes) and SMTP (both intake processes); one worker is killed mid-batch; sweeps run
concurrently, through the workers and by hand. Afterwards no complaint is lost or duplicated, every mail
that went out went out once, every notification to staff once, and the audit chains verify.

Runs in the PostgreSQL suite (`QUERELA_TEST_DATABASE_URL`), where CI makes it mandatory.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.factories import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("QUERELA_TEST_MP_REDIS_URL", "redis://127.0.0.1:6379/14")
N_HTTP = 24
N_SMTP = 24
TIMEOUT = 120  # seconds for everything to settle after the load; the test takes about a minute


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """The organisation's mail server, as far as Querela's outbound mail goes: a real SMTP conversation,
    every message kept (aiosmtpd)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = BytesParser(policy=default_policy).parsebytes(envelope.content)
                sink.messages.append(msg)  # type: ignore[arg-type]
                return "250 OK"

        self.port = _free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def cluster(tmp_path):
    pg_url = os.environ.get("QUERELA_TEST_DATABASE_URL", "")
    if not pg_url:
        pytest.skip("runs in the PostgreSQL suite: set QUERELA_TEST_DATABASE_URL (CI does)")
    import psycopg
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis not reachable at {REDIS_URL} ({exc}): start redis-server")
    redis.Redis.from_url(REDIS_URL).flushdb()
    name = f"querela_mp_{secrets.token_hex(4)}"
    parts = urlsplit(pg_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    db_url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    sink = Sink()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "querela.settings.production",
        "QUERELA_SECRET_KEY": secrets.token_urlsafe(50),
        "QUERELA_SSL_REDIRECT": "0",
        "DATABASE_URL": db_url,
        "DATABASE_REPLICA_URL": db_url,
        "REDIS_URL": REDIS_URL,
        "QUERELA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "QUERELA_VAR_DIR": str(tmp_path / "var"),
        "QUERELA_MEDIA_ROOT": str(tmp_path / "media"),  # one machine: a shared disk stands for the object store
        "QUERELA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "QUERELA_EMAIL_HOST": "127.0.0.1",
        "QUERELA_EMAIL_PORT": str(sink.port),
        "QUERELA_SWEEP_GRACE_SECONDS": "2",
    }
    env.pop("QUERELA_TEST_DATABASE_URL", None)
    c = Cluster(env, db_url, tmp_path, sink)
    try:
        c.run("migrate", "-v0")
        c.run("seed_demo")
        c.start()
        yield c
    finally:
        c.stop()
        sink.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()


class Cluster:
    def __init__(self, env: dict[str, str], db_url: str, tmp: Path, sink: Sink) -> None:
        self.env, self.db_url, self.tmp, self.sink = env, db_url, tmp, sink
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.web_ports = [_free_port(), _free_port()]
        self.smtp_ports = [_free_port(), _free_port()]

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "querela.cli", *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and done.returncode:
            raise AssertionError(f"querela {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str) -> subprocess.Popen[bytes]:
        """A short job in its own process (an operator's command, a cron line on another machine)."""
        return subprocess.Popen([sys.executable, "-m", "querela.cli", "shell", "-c", code], env=self.env)

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        for i, port in enumerate(self.web_ports):
            self._spawn(
                f"web{i}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "querela.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                ],
            )
        for i in range(2):
            self._spawn(f"worker{i}", [sys.executable, "-m", "querela.cli", "run_huey", "--workers", "2"])
        for i, port in enumerate(self.smtp_ports):
            self._spawn(f"smtpd{i}", [sys.executable, "-m", "querela.cli", "smtpd", "--port", str(port)])
        deadline = time.monotonic() + 60
        for port in self.web_ports:
            while not _ready(port):
                self._alive_or_fail()
                assert time.monotonic() < deadline, f"web on {port} never became ready"
                time.sleep(0.3)
        for port in self.smtp_ports:
            while not _listening(port):
                self._alive_or_fail()
                assert time.monotonic() < deadline, f"smtpd on {port} never listened"
                time.sleep(0.3)

    def _alive_or_fail(self) -> None:
        for name, p in self.procs.items():
            if p.poll() is not None and not name.startswith("worker"):
                raise AssertionError(f"{name} exited: {(self.tmp / f'{name}.log').read_text(errors='replace')[-3000:]}")

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(10)

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

    def sql_write(self, query: str, *params: Any) -> None:
        import psycopg

        with psycopg.connect(self.db_url) as conn:
            conn.execute(query, params)

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.db_url) as conn:
            return list(conn.execute(query, params).fetchall())


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _post(port: int, path: str, token: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Host": "127.0.0.1"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - http://127.0.0.1 only
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def _mail(port: int, mailbox: str, i: int) -> None:
    msg = EmailMessage()
    msg["From"] = f"Ügyfél {i} <ugyfel{i}@example.hu>"
    msg["To"] = mailbox
    msg["Subject"] = f"MP-SMTP-{i:03d} Hibás számla"
    msg["Message-ID"] = f"<mp-smtp-{i}@example.hu>"
    msg.set_content(f"A novemberi számlám hibás. Ügyfélazonosító nincs kéznél. ({i})")
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.send_message(msg)


ISSUE_TOKEN = """
from django.contrib.auth import get_user_model
from querela.core import tenancy
from querela.tenants.access import Actor
from querela.tenants.models import Tenant
from querela.tenants.tokens import api_token_issue

tenant = Tenant.objects.get(code="OPT")
agent = get_user_model().objects.get(username="opt.agent")
with tenancy.tenant_scope(tenant):
    print(api_token_issue(actor=Actor(user=agent, tenant=tenant, role="agent")))
"""


def test_two_of_everything_lose_nothing_and_send_everything_once(cluster):
    c = cluster
    token = c.run("shell", "-c", ISSUE_TOKEN).strip().splitlines()[-1]
    (customer_number, mailbox) = c.sql(
        "SELECT cu.customer_number, t.mailbox FROM customers_customer cu JOIN tenants_tenant t ON t.id = cu.tenant_id "
        "WHERE t.code = 'OPT' ORDER BY cu.id LIMIT 1"
    )[0]

    # The staff read their reminders and breach notices by e-mail (the demo's staff have no address yet).
    c.sql_write("UPDATE auth_user SET email = username || '@staff.example' WHERE username NOT LIKE '%%consumer%%'")

    # The load: both web processes and both intake processes at once; a worker killed while it runs.
    def http(i: int) -> int:
        body = {
            "channel": "phone",
            "subject": f"MP-HTTP-{i:03d} Kétszer számláztak",
            "description": "A novemberi számla kétszer szerepel.",
            "customer_number": customer_number,
            "category": "billing",
        }
        return _post(c.web_ports[i % 2], "/api/v1/t/OPT/complaints/", token, body)

    with ThreadPoolExecutor(12) as pool:
        statuses = pool.map(http, range(N_HTTP))
        mails = [pool.submit(_mail, c.smtp_ports[i % 2], mailbox, i) for i in range(N_SMTP)]
        time.sleep(0.5)
        c.kill("worker0")  # mid-batch: whatever it had taken off the queue is lost with it
        assert list(statuses) == [201] * N_HTTP
        for m in mails:
            m.result()  # 250: stored before it was answered

    # Sweeps at once: the periodic jobs as both workers' schedulers enqueue them (claimed: one runs), and
    # the same sweeps run by hand in two processes at the same moment (their own idempotency).
    sweeps = [
        c.python("from querela.complaints.tasks import deadline_sweep_task as t; t(); t()"),
        c.python("from querela.complaints.tasks import deadline_sweep_task as t; t.call_local()"),
        c.python("from querela.complaints.tasks import deadline_sweep_task as t; t.call_local()"),
    ]
    for s in sweeps:
        assert s.wait(120) == 0
    # Until everything has settled: what the killed worker lost is taken again by the intake sweep.
    deadline = time.monotonic() + TIMEOUT
    while True:
        pending = c.sql(
            "SELECT (SELECT count(*) FROM intake_inboundmessage WHERE status = 'pending'),"
            " (SELECT count(*) FROM intake_outboundemail WHERE status <> 'sent'),"
            " (SELECT count(*) FROM complaints_notification WHERE sent_at IS NULL AND recipient <> '')"
        )[0]
        if pending == (0, 0, 0):
            break
        assert time.monotonic() < deadline, f"still pending after {TIMEOUT} s: {pending}"
        sweep = c.python("from querela.intake.tasks import intake_sweep; intake_sweep.call_local()")
        sweep.wait(60)
        c.python("from querela.complaints.tasks import retry_unsent_notifications as t; t.call_local()").wait(60)
        time.sleep(2)

    # No complaint lost, none twice.
    subjects = Counter(
        s.split(" ")[0] for (s,) in c.sql("SELECT subject FROM complaints_complaint WHERE subject LIKE 'MP-%%'")
    )
    expected = {f"MP-HTTP-{i:03d}" for i in range(N_HTTP)} | {f"MP-SMTP-{i:03d}" for i in range(N_SMTP)}
    assert set(subjects) == expected, sorted(expected ^ set(subjects))
    assert set(subjects.values()) == {1}, [k for k, v in subjects.items() if v > 1]
    assert c.sql("SELECT count(*) FROM intake_inboundmessage")[0][0] >= N_SMTP
    # Every mail that went out, once: by its Message-ID at the receiving server.
    sent_ids = {m for (m,) in c.sql("SELECT message_id FROM intake_outboundemail")}
    received = Counter(str(m["Message-ID"]).strip("<>") for m in c.sink.messages)
    assert sent_ids and {i.strip("<>") for i in sent_ids} <= set(received)
    assert max(received.values()) == 1, [k for k, v in received.items() if v > 1]
    acknowledged = c.sql(
        "SELECT count(DISTINCT o.complaint_id) FROM intake_outboundemail o JOIN complaints_complaint c"
        " ON c.id = o.complaint_id WHERE c.subject LIKE 'MP-SMTP-%%'"
    )[0][0]
    assert acknowledged == N_SMTP  # each mailed-in complaint got its automatic reply
    # Every reminder and breach notification to staff, once.
    notifications = c.sql("SELECT kind, recipient, subject FROM complaints_notification WHERE recipient <> ''")
    assert {"due_soon", "breach"} <= {kind for kind, _r, _s in notifications}, "the demo owes reminders and breaches"
    to_staff = Counter((str(m["To"]), " ".join(str(m["Subject"]).split())) for m in c.sink.messages)
    for _kind, recipient, subject in notifications:
        assert to_staff[(recipient, " ".join(subject.split()))] == 1, (recipient, subject)
    # The periodic sweep ran once per period however many asked.
    claims = c.sql("SELECT name, period_start, count(*) FROM core_periodicclaim GROUP BY name, period_start")
    assert claims and all(n == 1 for (_name, _start, n) in claims)
    # The audit chains hold.
    c.run("audit", "seal")
    assert "BROKEN" not in c.run("audit", "verify")  # and it exits 0
