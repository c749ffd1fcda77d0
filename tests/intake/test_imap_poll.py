"""IMAP polling against a real Dovecot started by the tests (Debian package dovecot-imapd).

The caller side (the database) is played by ``Registry``: a dict keyed by Message-ID, which is exactly the
dedupe the intake service does, so "every message registered exactly once" is checked end to end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from querela.intake.email.imap_poll import (
    DONE_KEYWORD,
    ImapConfig,
    ImapState,
    PollJob,
    PollResult,
    poll_mailbox,
    poll_many,
)
from tests.support.dovecot import DovecotServer, dovecot_fixture, free_port
from tests.support.smtp_client import make_message

pytestmark = pytest.mark.pure

dovecot = dovecot_fixture()
REPO = Path(__file__).resolve().parents[2]
DONE = {"\\Seen", DONE_KEYWORD}


def config(server: DovecotServer, user: str, **overrides: Any) -> ImapConfig:
    options: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "ssl": False,
        "username": user,
        "secret": server.users[user],
        "timeout": 5.0,
        "poll_timeout": 20.0,
        **overrides,
    }
    return ImapConfig(**options)


def add_messages(server: DovecotServer, user: str, count: int, *, folder: str = "INBOX", tag: str = "m") -> list[int]:
    return [
        server.append(user, make_message(message_id=f"{tag}{i}@{user}.test", subject=f"Panasz {i}"), folder=folder)
        for i in range(count)
    ]


def message_id(raw: bytes) -> str:
    for line in raw.split(b"\r\n"):
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    raise AssertionError("no Message-ID")


@dataclass
class Registry:
    """The caller: registers a complaint per Message-ID (dedupe), records every delivery."""

    server: DovecotServer | None = None
    user: str = ""
    complaints: dict[str, bytes] = field(default_factory=dict)
    deliveries: list[tuple[int, str]] = field(default_factory=list)
    fail_at_delivery: int | None = None  # raise on this delivery number (1-based) ...
    fail_after_commit: bool = False  # ... after (True) or before (False) the complaint is committed
    marked_during_store: list[int] = field(default_factory=list)

    def __call__(self, raw: bytes, uid: int) -> None:
        self.deliveries.append((uid, message_id(raw)))
        if self.server is not None:  # the message must not be marked (nor \Seen) while we are storing it
            flags = {m.uid: m.flags for m in self.server.messages(self.user)}
            if flags.get(uid, frozenset()) & DONE:
                self.marked_during_store.append(uid)
        failing = self.fail_at_delivery == len(self.deliveries)
        if failing and not self.fail_after_commit:
            raise RuntimeError("database is down")
        self.complaints.setdefault(message_id(raw), raw)  # dedupe by Message-ID
        if failing:
            raise RuntimeError("worker died after commit")


def test_new_messages_fetched_in_uid_order_and_marked_only_after_store(dovecot: DovecotServer) -> None:
    user, _ = dovecot.new_user()
    uids = add_messages(dovecot, user, 3)
    registry = Registry(server=dovecot, user=user)

    result = poll_mailbox(config(dovecot, user), state=ImapState(), store_raw=registry)

    assert result.ok and result.error is None, result
    assert [uid for uid, _ in registry.deliveries] == uids == result.stored
    assert registry.marked_during_store == []
    stored = {m.uid: m for m in dovecot.messages(user, with_raw=True)}
    assert all(stored[uid].flags >= DONE for uid in uids)
    assert all(registry.complaints[message_id(m.raw or b"")] == m.raw for m in stored.values())  # byte-exact
    assert result.state == ImapState(uidvalidity=dovecot.uidvalidity(user), last_uid=uids[-1])

    again = poll_mailbox(config(dovecot, user), state=result.state, store_raw=registry)
    assert again.ok and again.stored == [] and again.state == result.state

    [new_uid] = add_messages(dovecot, user, 1, tag="later")
    third = poll_mailbox(config(dovecot, user), state=again.state, store_raw=registry)
    assert third.stored == [new_uid] and third.state.last_uid == new_uid
    assert len(registry.deliveries) == len(registry.complaints) == 4


def test_batch_size_limits_one_poll(dovecot: DovecotServer) -> None:
    user, _ = dovecot.new_user()
    uids = add_messages(dovecot, user, 5)
    registry = Registry()
    first = poll_mailbox(config(dovecot, user), state=ImapState(), store_raw=registry, batch_size=2)
    assert first.stored == uids[:2] and first.more
    second = poll_mailbox(config(dovecot, user), state=first.state, store_raw=registry, batch_size=10)
    assert second.stored == uids[2:] and not second.more


@pytest.mark.parametrize("after_commit", [False, True], ids=["fails-before-commit", "dies-after-commit"])
def test_store_failure_mid_batch_then_next_poll_registers_each_exactly_once(
    dovecot: DovecotServer, after_commit: bool
) -> None:
    user, _ = dovecot.new_user()
    uids = add_messages(dovecot, user, 5)
    registry = Registry(fail_at_delivery=3, fail_after_commit=after_commit)

    first = poll_mailbox(config(dovecot, user), state=ImapState(), store_raw=registry)

    assert first.stored == uids[:2]
    assert [e.uid for e in first.errors] == [uids[2]] and "retried next poll" in first.errors[0].reason
    assert first.state.last_uid == uids[1]  # not past the failed one
    flags = {m.uid: m.flags for m in dovecot.messages(user)}
    assert [uid for uid in uids if flags[uid] >= DONE] == uids[:2]  # the failed one and later stay unmarked

    second = poll_mailbox(config(dovecot, user), state=first.state, store_raw=registry)

    assert second.ok and second.stored == uids[2:]
    assert all(m.flags >= DONE for m in dovecot.messages(user))
    assert sorted(registry.complaints) == sorted(f"<m{i}@{user}.test>" for i in range(5))
    delivered = [uid for uid, _ in registry.deliveries]
    assert delivered == [*uids[:3], *uids[2:]]  # the failed message came twice: at least once, deduped


WORKER = textwrap.dedent(
    """
    import json, os, sys, time
    from querela.intake.email.imap_poll import ImapConfig, ImapState, poll_mailbox

    cfg = ImapConfig(**json.loads(sys.argv[1]))
    log_path = sys.argv[2]

    def store_raw(raw, uid):
        # "Commit": append to the log durably, then die on the third message before it can be marked.
        with open(log_path, "ab") as f:
            f.write(json.dumps({"uid": uid, "raw": raw.decode("latin-1")}).encode() + b"\\n")
            f.flush()
            os.fsync(f.fileno())
        with open(log_path, "rb") as f:
            if sum(1 for _ in f) == 3:
                time.sleep(60)  # the test kills us here

    poll_mailbox(cfg, state=ImapState(), store_raw=store_raw)
    """
)


def test_worker_killed_mid_batch_every_message_registered_exactly_once(dovecot: DovecotServer, tmp_path: Path) -> None:
    user, _ = dovecot.new_user()
    uids = add_messages(dovecot, user, 6)
    cfg = config(dovecot, user)
    log_path = tmp_path / "committed.jsonl"
    cfg_json = json.dumps({k: getattr(cfg, k) for k in ("host", "port", "ssl", "username", "secret", "timeout")})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, cfg_json, str(log_path)], env=env)
    try:
        deadline = time.monotonic() + 15
        while not (log_path.exists() and len(log_path.read_bytes().splitlines()) >= 3):
            assert worker.poll() is None, "worker exited early"
            assert time.monotonic() < deadline, "worker did not reach the third message"
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)  # mid-batch: third message committed, not marked
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL

    # What the killed worker had committed is in the "database"; its watermark was never persisted.
    registry = Registry()
    for line in log_path.read_bytes().splitlines():
        raw = json.loads(line)["raw"].encode("latin-1")
        registry(raw, json.loads(line)["uid"])
    flags = {m.uid: m.flags for m in dovecot.messages(user)}
    assert [uid for uid in uids if flags[uid] >= DONE] == uids[:2]

    result = poll_mailbox(cfg, state=ImapState(), store_raw=registry)

    assert result.ok, result
    assert result.stored == uids[2:]  # the two marked ones are not fetched again; the third is, once more
    assert all(m.flags >= DONE for m in dovecot.messages(user))
    assert sorted(registry.complaints) == sorted(f"<m{i}@{user}.test>" for i in range(6))
    assert [uid for uid, _ in registry.deliveries].count(uids[2]) == 2


def test_uidvalidity_change_resets_the_watermark(dovecot: DovecotServer) -> None:
    user, _ = dovecot.new_user()
    dovecot.create_folder(user, "Complaints")
    add_messages(dovecot, user, 3, folder="Complaints", tag="old")
    registry = Registry()
    cfg = config(dovecot, user, folder="Complaints")
    first = poll_mailbox(cfg, state=ImapState(), store_raw=registry)
    assert len(first.stored) == 3 and first.state.last_uid == 3 and not first.uidvalidity_reset

    new_validity = dovecot.recreate_folder(user, "Complaints")
    [fresh_uid] = add_messages(dovecot, user, 1, folder="Complaints", tag="new")
    assert fresh_uid == 1  # below the old watermark: without the reset it would never be fetched

    second = poll_mailbox(cfg, state=first.state, store_raw=registry)

    assert second.uidvalidity_reset
    assert any("UIDVALIDITY" in w for w in second.warnings)
    assert second.stored == [fresh_uid]
    assert second.state == ImapState(uidvalidity=new_validity, last_uid=fresh_uid)
    assert f"<new0@{user}.test>" in registry.complaints


def test_move_mode_moves_processed_mail_to_the_processed_folder(dovecot: DovecotServer) -> None:
    user, _ = dovecot.new_user()
    add_messages(dovecot, user, 2)
    registry = Registry()
    result = poll_mailbox(config(dovecot, user, processed_folder="Querela/Done"), state=ImapState(), store_raw=registry)
    assert result.ok and len(result.stored) == 2
    assert dovecot.messages(user) == []
    moved = dovecot.messages(user, "Querela.Done", with_raw=True)  # Dovecot maildir: "." between levels
    assert sorted(m.message_id or "" for m in moved) == sorted(registry.complaints)


def test_move_mode_without_move_support_copies_and_expunges_only_its_own_message(
    dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from querela.intake.email import imap_poll

    original = imap_poll._Session.refresh_capabilities

    def without_move(self: imap_poll._Session) -> None:  # an older server: COPY + STORE + UID EXPUNGE
        original(self)
        self.capabilities.discard("MOVE")

    monkeypatch.setattr(imap_poll._Session, "refresh_capabilities", without_move)
    user, _ = dovecot.new_user()
    # Someone else's deleted-but-not-expunged message (already done, so not ours to fetch) must survive.
    theirs = dovecot.append(user, make_message(message_id=f"theirs@{user}"), flags=f"\\Deleted {DONE_KEYWORD}")
    [ours] = add_messages(dovecot, user, 1)
    result = poll_mailbox(config(dovecot, user, processed_folder="Done"), state=ImapState(), store_raw=Registry())
    assert result.ok and result.stored == [ours]
    assert [m.uid for m in dovecot.messages(user)] == [theirs]
    assert [m.message_id for m in dovecot.messages(user, "Done", with_raw=True)] == [f"<m0@{user}.test>"]


def test_oversized_message_is_reported_and_left_unmarked(dovecot: DovecotServer) -> None:
    user, _ = dovecot.new_user()
    small1 = dovecot.append(user, make_message(message_id=f"s1@{user}"))
    big = dovecot.append(user, make_message(message_id=f"big@{user}", body=b"A" * 76 * 200))
    small2 = dovecot.append(user, make_message(message_id=f"s2@{user}"))
    registry = Registry()
    cfg = config(dovecot, user)

    first = poll_mailbox(cfg, state=ImapState(), store_raw=registry, max_message_bytes=4000)

    assert first.stored == [small1, small2]  # later mail is not held up by the big one
    [problem] = first.errors
    assert problem.uid == big and problem.size and problem.size > 4000
    assert "exceeds the limit of 4,000 bytes" in problem.reason and "stays unmarked" in problem.reason
    assert first.state.last_uid == small1  # the watermark waits below it: reported again next time
    flags = {m.uid: m.flags for m in dovecot.messages(user)}
    assert not flags[big] & DONE and "\\Seen" not in flags[big]

    second = poll_mailbox(cfg, state=first.state, store_raw=registry, max_message_bytes=4000)
    assert second.stored == [] and [e.uid for e in second.errors] == [big]

    # Acknowledging another UID changes nothing; acknowledging this one (an administrator decided to leave
    # it in the mailbox) moves the watermark past it.
    other = poll_mailbox(
        cfg, state=second.state, store_raw=registry, max_message_bytes=4000, advance_past_oversized={99}
    )
    assert other.state.last_uid == small1
    third = poll_mailbox(
        cfg, state=second.state, store_raw=registry, max_message_bytes=4000, advance_past_oversized={big}
    )
    assert third.state.last_uid == big and [e.uid for e in third.errors] == [big]
    assert len(dovecot.messages(user)) == 3  # nothing deleted
    assert poll_mailbox(cfg, state=third.state, store_raw=registry, max_message_bytes=4000).ok

    # Or the limit is raised: it is fetched like any other message.
    fourth = poll_mailbox(cfg, state=second.state, store_raw=registry)
    assert fourth.stored == [big] and f"<big@{user}>" in registry.complaints


def test_bad_credentials_reported_and_poll_many_still_polls_the_good_mailbox(dovecot: DovecotServer) -> None:
    good_user, _ = dovecot.new_user()
    bad_user, _ = dovecot.new_user()
    [uid] = add_messages(dovecot, good_user, 1)
    good, bad = Registry(), Registry()
    results = poll_many(
        [
            PollJob("bad", config(dovecot, bad_user, secret="wrong password"), ImapState(), bad),
            PollJob("good", config(dovecot, good_user), ImapState(), good),
        ]
    )
    assert results["good"].ok and results["good"].stored == [uid]
    error = results["bad"].error or ""
    assert error.startswith(f"login failed for {bad_user!r} at 127.0.0.1:{dovecot.port}")
    assert "AUTHENTICATIONFAILED" in error and "check the user name and password" in error
    assert bad.deliveries == []


def test_connection_refused_is_a_clear_error() -> None:
    port = free_port()  # nothing listens there once the probe socket is closed
    result = poll_mailbox(
        ImapConfig(host="127.0.0.1", port=port, ssl=False, username="u", secret="p", timeout=2),
        state=ImapState(),
        store_raw=Registry(),
    )
    assert result.error == f"cannot connect to 127.0.0.1:{port}: Connection refused"


@pytest.fixture
def hanging_server() -> Iterator[int]:
    """Accepts connections and never says a word (not even the IMAP greeting)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join(2)
    listener.close()
    for conn in held:
        conn.close()


def test_silent_server_times_out_with_a_clear_error(hanging_server: int) -> None:
    started = time.monotonic()
    result = poll_mailbox(
        ImapConfig(host="127.0.0.1", port=hanging_server, ssl=False, username="u", secret="p", timeout=0.5),
        state=ImapState(),
        store_raw=Registry(),
    )
    assert time.monotonic() - started < 3
    assert result.error == f"no answer from 127.0.0.1:{hanging_server} within 0.5 s"


def test_hanging_mailbox_does_not_block_poll_many_beyond_its_timeout(
    dovecot: DovecotServer, hanging_server: int
) -> None:
    user, _ = dovecot.new_user()
    uids = add_messages(dovecot, user, 2)
    good = Registry()
    hanging_cfg = ImapConfig(
        host="127.0.0.1", port=hanging_server, ssl=False, username="u", secret="p", timeout=30, poll_timeout=1
    )
    started = time.monotonic()
    results = poll_many(
        [
            PollJob("hangs", hanging_cfg, ImapState(uidvalidity=7, last_uid=3), Registry()),
            PollJob("good", config(dovecot, user), ImapState(), good),
        ]
    )
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"poll_many took {elapsed:.1f} s"
    assert results["good"].stored == uids
    hung: PollResult = results["hangs"]
    assert hung.error and hung.error.startswith("stopped after 1 s without finishing")
    assert hung.state == ImapState(uidvalidity=7, last_uid=3)  # unchanged, to be persisted as is


@pytest.mark.parametrize("mode", ["imaps", "starttls", "xoauth2"])
def test_tls_and_xoauth2_logins(dovecot: DovecotServer, mode: str) -> None:
    if dovecot.imaps_port is None or dovecot.ca_file is None:
        pytest.skip("openssl is needed to make the test certificate")
    user, password = dovecot.new_user()
    [uid] = add_messages(dovecot, user, 1)
    by_mode: dict[str, dict[str, Any]] = {
        "imaps": {"ssl": True, "port": dovecot.imaps_port, "ca_file": str(dovecot.ca_file)},
        "starttls": {"starttls": True, "ca_file": str(dovecot.ca_file)},
        # Dovecot checks the XOAUTH2 bearer token against the passdb like a password: enough to prove
        # that we speak the mechanism Microsoft 365 and Gmail require.
        "xoauth2": {"auth": "xoauth2", "secret": password},
    }
    overrides = by_mode[mode]
    registry = Registry()
    result = poll_mailbox(config(dovecot, user, **overrides), state=ImapState(), store_raw=registry)
    assert result.ok, result.error
    assert result.stored == [uid]


def test_untrusted_certificate_and_refused_token_are_clear_errors(dovecot: DovecotServer) -> None:
    if dovecot.imaps_port is None:
        pytest.skip("openssl is needed to make the test certificate")
    user, _ = dovecot.new_user()
    untrusted = poll_mailbox(
        config(dovecot, user, ssl=True, port=dovecot.imaps_port), state=ImapState(), store_raw=Registry()
    )
    assert untrusted.error and untrusted.error.startswith(f"TLS with 127.0.0.1:{dovecot.imaps_port} failed")
    assert "certificate" in untrusted.error
    refused = poll_mailbox(
        config(dovecot, user, auth="xoauth2", secret="expired-token"), state=ImapState(), store_raw=Registry()
    )
    assert refused.error and refused.error.startswith(f"login failed for {user!r}")
    assert "access token was refused" in refused.error
