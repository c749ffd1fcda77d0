"""A real Dovecot IMAP server for tests (Debian package ``dovecot-imapd``), started per test module.

Usage in a test module::

    from tests.support.dovecot import DovecotServer, dovecot_fixture

    dovecot = dovecot_fixture()            # module-scoped fixture named after the variable

    def test_x(dovecot: DovecotServer) -> None:
        user, password = dovecot.new_user()
        uid = dovecot.append(user, b"Subject: hi\\r\\n\\r\\nbody\\r\\n")
        assert dovecot.messages(user)[0].uid == uid

How it runs: ``dovecot -F -c <tmp>/dovecot.conf`` (foreground, so the test owns the process and a crashed
test run leaves nothing behind) with every path (base_dir, state_dir, logs, maildirs, passwd-file) in one
temporary directory, IMAP on a free 127.0.0.1 port and, when ``openssl`` is available, IMAPS with a
throw-away self-signed certificate on a second port. Users live in passwd-files with plain passwords,
one file per user so a user added while Dovecot runs is known at once: each test creates its own fresh
user instead of sharing (and cleaning) mailboxes.

Root vs. non-root: Dovecot refuses to run its login processes as root and refuses uid 0 for mail
processes, so as root it uses the system users the Debian package creates (``dovenull`` for logins,
``dovecot`` for internal services and as the owner of the test maildirs). As an ordinary user every
Dovecot process simply runs as that user.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import itertools
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

INSTALL_HINT = "install Debian package dovecot-imapd (apt-get install dovecot-imapd) to run the IMAP tests"
_START_TIMEOUT = 15.0
_instances = itertools.count(1)


def find_dovecot() -> str | None:
    # /usr/sbin is often missing from an ordinary user's PATH although the binary is installed there.
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def require_dovecot() -> str:
    """The dovecot binary; absent, the test fails in CI (where it is mandatory) and skips elsewhere."""
    binary = find_dovecot()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"dovecot is not installed: {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    return binary


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class StoredMessage:
    uid: int
    flags: frozenset[str]
    size: int
    raw: bytes | None = None

    @property
    def message_id(self) -> str | None:
        if self.raw is None:
            return None
        m = re.search(rb"^Message-ID:\s*(<[^>\r\n]*>)", self.raw, re.IGNORECASE | re.MULTILINE)
        return m.group(1).decode("ascii", "replace") if m else None


_FETCH_META = re.compile(rb"UID (\d+)|FLAGS \(([^)]*)\)|RFC822\.SIZE (\d+)")


def _parse_fetch(data: list[Any]) -> list[StoredMessage]:
    """imaplib's FETCH data: bytes lines, or (header, literal) tuples followed by a closing b')' line."""
    out: list[StoredMessage] = []
    i = 0
    while i < len(data):
        item = data[i]
        raw: bytes | None = None
        meta = b""
        if isinstance(item, tuple):
            meta, raw = item[0], item[1]
            # Attributes after the literal arrive in the next plain line, e.g. b' FLAGS (\\Seen))'.
            if i + 1 < len(data) and isinstance(data[i + 1], bytes):
                meta += data[i + 1]
                i += 1
        elif isinstance(item, bytes):
            meta = item
        i += 1
        uid = size = None
        flags: frozenset[str] = frozenset()
        for m in _FETCH_META.finditer(meta):
            if m.group(1):
                uid = int(m.group(1))
            elif m.group(2) is not None:
                flags = frozenset(m.group(2).decode().split())
            elif m.group(3):
                size = int(m.group(3))
        if uid is not None:
            out.append(StoredMessage(uid=uid, flags=flags, size=size or (len(raw) if raw else 0), raw=raw))
    return sorted(out, key=lambda s: s.uid)


@dataclass
class DovecotServer:
    binary: str
    root: Path
    host: str = "127.0.0.1"
    port: int = 0
    imaps_port: int | None = None
    ca_file: Path | None = None
    users: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _user_seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # ---- lifecycle -------------------------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        return self.root / "dovecot.log"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def _ids(self) -> tuple[str, str, str, str]:
        """(internal user, internal group, login user, mail user) as explained in the module docstring."""
        if os.geteuid() == 0:
            for name in ("dovecot", "dovenull"):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    pytest.fail(f"system user {name!r} is missing: reinstall dovecot-core ({INSTALL_HINT})")
            return "dovecot", grp.getgrgid(pwd.getpwnam("dovecot").pw_gid).gr_name, "dovenull", "dovecot"
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, grp.getgrgid(os.getgid()).gr_name, me, me

    def _write_config(self, *, with_imaps: bool) -> Path:
        internal_user, internal_group, login_user, mail_user = self._ids()
        mail_pw = pwd.getpwnam(mail_user)
        mail_group = grp.getgrgid(mail_pw.pw_gid).gr_name
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            # Mail processes run as the dovecot user: the maildirs must be theirs, and the login processes
            # (dovenull) must be able to reach base_dir.
            os.chown(self.root / "mail", mail_pw.pw_uid, mail_pw.pw_gid)
        os.chmod(self.root, 0o755)  # noqa: S103 - a throw-away test dir the unprivileged Dovecot users must enter
        ssl_block = "ssl = no"
        imaps_listener = "  inet_listener imaps {\n    port = 0\n  }"
        if with_imaps and self.imaps_port and self.ca_file:
            ssl_block = f"ssl = yes\nssl_cert = <{self.root / 'cert.pem'}\nssl_key = <{self.root / 'key.pem'}\n"
            imaps_listener = (
                "  inet_listener imaps {\n"
                f"    address = {self.host}\n"
                f"    port = {self.imaps_port}\n"
                "    ssl = yes\n"
                "  }"
            )
        conf = f"""# generated by tests/support/dovecot.py
protocols = imap
listen = {self.host}
base_dir = {self.root / "run"}
state_dir = {self.root / "state"}
instance_name = querela-test-{os.getpid()}-{next(_instances)}
log_path = {self.log_path}
info_log_path = {self.log_path}
{ssl_block}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
# Tests provoke failed logins on purpose: no 2 s failure delay (and no per-IP auth penalty, below).
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  # One file per user: Dovecot re-checks a passwd-file at most once a second, so users added to a shared
  # file by the previous test could still be unknown; a new file is read on its first lookup.
  args = scheme=PLAIN username_format=%n {self.root / "users"}/%n
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={self.root / "mail"}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
{imaps_listener}
}}
service anvil {{
  chroot =
  # Without this socket the auth process disables its growing per-IP delay after failed logins.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
        path = self.root / "dovecot.conf"
        path.write_text(conf)
        return path

    def _make_cert(self) -> bool:
        openssl = shutil.which("openssl")
        if openssl is None:
            return False
        cmd = [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(self.root / "key.pem"),
            "-out",
            str(self.root / "cert.pem"),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            f"subjectAltName=DNS:localhost,IP:{self.host}",
        ]
        done = subprocess.run(cmd, capture_output=True, timeout=30, check=False)
        if done.returncode != 0:
            return False
        self.ca_file = self.root / "cert.pem"
        return True

    def start(self, *, imaps: bool = True) -> None:
        for username, password in self.users.items():
            self._write_passwd(username, password)
        with_imaps = imaps and self._make_cert()
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between probing and Dovecot binding it
            self.port = free_port(self.host)
            self.imaps_port = free_port(self.host) if with_imaps else None
            conf = self._write_config(with_imaps=with_imaps)
            log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            self.process = subprocess.Popen(
                [self.binary, "-F", "-c", str(conf)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # our SIGTERM, not the terminal's Ctrl-C, stops it
            )
            try:
                self._wait_ready()
                return
            except RuntimeError as exc:
                self.stop(cleanup=False)
                output = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                last_error = f"{exc}\n{output}\n{self.log_text()[log_offset:]}"
                if "Address already in use" not in last_error:
                    break
        pytest.fail(f"Dovecot did not start:\n{last_error[-4000:]}", pytrace=False)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        ports = [p for p in (self.port, self.imaps_port) if p]
        while ports:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited with status {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"dovecot not listening on {ports} after {_START_TIMEOUT:.0f} s")
            try:
                with socket.create_connection((self.host, ports[0]), timeout=0.5):
                    ports.pop(0)
            except OSError:
                time.sleep(0.02)

    def stop(self, *, cleanup: bool = True) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the master stops its children and removes its sockets
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session (start_new_session=True)
                proc.wait(timeout=5)
        if proc is not None and proc.stdout is not None and cleanup:
            proc.stdout.close()
        if cleanup:
            shutil.rmtree(self.root, ignore_errors=True)

    # ---- users -----------------------------------------------------------------------------------

    def _write_passwd(self, username: str, password: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9._-]+", username):
            raise ValueError(f"test user names are plain words: {username!r}")
        users = self.root / "users"
        users.mkdir(exist_ok=True)
        os.chmod(users, 0o755)  # noqa: S103 - the auth process may run as the dovecot user
        tmp = users / f".{username}.tmp"
        tmp.write_text(f"{username}:{{PLAIN}}{password}::::::\n")
        os.chmod(tmp, 0o644)
        tmp.replace(users / username)  # atomic: Dovecot never reads a half-written file

    def add_user(self, username: str, password: str) -> None:
        with self._lock:
            self.users[username] = password
            self._write_passwd(username, password)

    def new_user(self, prefix: str = "user") -> tuple[str, str]:
        """A fresh user with an empty mailbox: tests never see each other's mail."""
        with self._lock:
            name = f"{prefix}{next(self._user_seq)}"
        password = secrets.token_urlsafe(12)
        self.add_user(name, password)
        return name, password

    # ---- IMAP helpers ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def connect(self, user: str, folder: str | None = "INBOX") -> Iterator[imaplib.IMAP4]:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            client.login(user, self.users[user])
            if folder is not None:
                typ, data = client.select(_quote(folder))
                if typ != "OK":
                    raise AssertionError(f"SELECT {folder}: {data!r}")
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def append(self, user: str, raw: bytes, folder: str = "INBOX", flags: str = "") -> int:
        """IMAP APPEND; returns the new message's UID (Dovecot answers with APPENDUID)."""
        with self.connect(user, folder=None) as c:
            typ, data = c.append(_quote(folder), f"({flags})" if flags else None, None, raw)
            if typ != "OK":
                raise AssertionError(f"APPEND to {folder}: {data!r}")
            m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            assert m, data
            return int(m.group(1))

    def messages(self, user: str, folder: str = "INBOX", *, with_raw: bool = False) -> list[StoredMessage]:
        """Every message in the folder, in UID order, with its flags (and bytes, when asked)."""
        with self.connect(user, folder) as c:
            typ, data = c.uid("SEARCH", "ALL")
            if typ != "OK" or not data or not data[0]:
                return []
            parts = "(UID FLAGS RFC822.SIZE BODY.PEEK[])" if with_raw else "(UID FLAGS RFC822.SIZE)"
            typ, fetched = c.uid("FETCH", "1:*", parts)
            assert typ == "OK", fetched
            return _parse_fetch(list(fetched))

    def create_folder(self, user: str, folder: str) -> None:
        with self.connect(user, folder=None) as c:
            typ, data = c.create(_quote(folder))
            assert typ == "OK", data

    def uidvalidity(self, user: str, folder: str = "INBOX") -> int:
        with self.connect(user, folder=None) as c:
            typ, data = c.status(_quote(folder), "(UIDVALIDITY)")
            assert typ == "OK", data
            m = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"")
            assert m, data
            return int(m.group(1))

    def recreate_folder(self, user: str, folder: str) -> int:
        """Delete and re-create a folder (its messages go): the server gives it a new UIDVALIDITY."""
        before = self.uidvalidity(user, folder)
        with self.connect(user, folder=None) as c:
            assert c.delete(_quote(folder))[0] == "OK"
            assert c.create(_quote(folder))[0] == "OK"
        after = self.uidvalidity(user, folder)
        assert after != before, "Dovecot kept the UIDVALIDITY of a re-created folder"
        return after

    def set_flags(self, user: str, uid: int, flags: str, folder: str = "INBOX") -> None:
        with self.connect(user, folder) as c:
            assert c.uid("STORE", str(uid), "+FLAGS", f"({flags})")[0] == "OK"

    def client_ssl_context(self) -> ssl.SSLContext:
        assert self.ca_file is not None
        return ssl.create_default_context(cafile=str(self.ca_file))


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextlib.contextmanager
def running_dovecot(*, imaps: bool = True, users: dict[str, str] | None = None) -> Iterator[DovecotServer]:
    binary = require_dovecot()
    # Not pytest's tmp_path: its parents are mode 0700, which the unprivileged Dovecot processes cannot
    # traverse when the tests run as root. A short path also keeps the unix sockets under 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="querela-dovecot-"))
    server = DovecotServer(binary=binary, root=root, users=dict(users or {}))
    try:
        server.start(imaps=imaps)
        yield server
    finally:
        server.stop()


def dovecot_fixture(
    *, name: str = "dovecot", scope: Any = "module", imaps: bool = True
) -> Callable[..., Iterator[DovecotServer]]:
    """A fixture called ``name`` that runs one Dovecot for the scope (starting takes a fraction of a second)."""

    @pytest.fixture(scope=scope, name=name)
    def _dovecot() -> Iterator[DovecotServer]:
        with running_dovecot(imaps=imaps) as server:
            yield server

    return _dovecot
