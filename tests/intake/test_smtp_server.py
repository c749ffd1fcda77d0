"""The inbound SMTP server, driven by real SMTP conversations (smtplib) on a free port."""

from __future__ import annotations

import asyncio
import os
import signal
import smtplib
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from querela.intake.email.smtp_server import IntakeController, build_controller
from tests.support.smtp_client import RecordingStore, make_message, smtp_session

pytestmark = pytest.mark.pure

MAILBOXES = {"complaints@aaa.example", "reklamacje@bbb.example"}
MAX_SIZE = 64 * 1024
REPO = Path(__file__).resolve().parents[2]

StartServer = Callable[..., IntakeController]


def known(address: str) -> bool:
    return address in MAILBOXES


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    started: list[IntakeController] = []

    def _start(store_raw: Callable[[bytes, list[str], str], None], **kwargs: object) -> IntakeController:
        options: dict[str, object] = {"accepts_recipient": known, "max_size": MAX_SIZE, **kwargs}
        controller = build_controller("127.0.0.1", 0, store_raw=store_raw, **options)  # type: ignore[arg-type]
        controller.start()
        started.append(controller)
        return controller

    yield _start
    for controller in started:
        controller.stop()


def test_advertises_size_limit(start_server: StartServer) -> None:
    server = start_server(RecordingStore())
    with smtp_session("127.0.0.1", server.port) as smtp:
        assert smtp.has_extn("size")
        assert smtp.esmtp_features["size"] == str(MAX_SIZE)


def test_accepted_mail_is_stored_byte_exact_before_250(start_server: StartServer) -> None:
    release = threading.Event()
    entered = threading.Event()
    stored: list[bytes] = []

    def slow_store(raw: bytes, recipients: list[str], mail_from: str) -> None:
        entered.set()
        assert release.wait(10)
        stored.append(raw)

    server = start_server(slow_store)
    # Lines starting with a dot (dot-stuffing), 8-bit ISO-8859-2 text and a >1000-octet line must all
    # come back exactly as sent.
    body = b".leading dot\r\n..two dots\r\nKeszthely \xe1rv\xedzt\xfbr\xf5 t\xfck\xf6rf\xfar\xf3g\xe9p\r\n"
    body += b"x" * 3000 + b"\r\n.\r\nend\r\n"
    raw = make_message(message_id="exact@test", body=body)
    outcome: list[object] = []

    def send() -> None:
        with smtp_session("127.0.0.1", server.port) as smtp:
            outcome.append(smtp.sendmail("customer@example.net", ["complaints@aaa.example"], raw))

    sender = threading.Thread(target=send)
    sender.start()
    assert entered.wait(5), "store_raw was not called"
    time.sleep(0.3)
    assert outcome == [], "the client got its reply before store_raw returned"
    release.set()
    sender.join(10)
    assert outcome == [{}]  # 250, nobody refused
    assert stored == [raw]


def test_store_runs_in_a_worker_thread_without_an_event_loop(start_server: StartServer) -> None:
    seen: list[bool] = []

    def store(raw: bytes, recipients: list[str], mail_from: str) -> None:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:  # what Django's ORM needs: no running loop in this thread
            seen.append(False)

    server = start_server(store)
    with smtp_session("127.0.0.1", server.port) as smtp:
        smtp.sendmail("a@example.net", ["complaints@aaa.example"], make_message(message_id="t@test"))
    assert seen == [False]


def test_unknown_recipient_is_rejected_at_rcpt_with_550(start_server: StartServer) -> None:
    store = RecordingStore()
    server = start_server(store)
    with smtp_session("127.0.0.1", server.port) as smtp:
        assert smtp.mail("customer@example.net")[0] == 250
        code, text = smtp.rcpt("nobody@aaa.example")
        assert code == 550 and text.startswith(b"5.1.1")
        with pytest.raises(smtplib.SMTPDataError) as err:  # no recipient accepted: no DATA
            smtp.data(make_message(message_id="u@test"))
        assert err.value.smtp_code == 503
    assert store.calls == []


def test_recipient_match_is_case_insensitive(start_server: StartServer) -> None:
    asked: list[str] = []

    def accepts(address: str) -> bool:
        asked.append(address)
        return known(address)

    store = RecordingStore()
    server = start_server(store, accepts_recipient=accepts)
    with smtp_session("127.0.0.1", server.port) as smtp:
        smtp.sendmail("c@example.net", ["Complaints@AAA.Example"], make_message(message_id="case@test"))
    assert asked == ["complaints@aaa.example"]
    assert store.calls[0][1] == ["complaints@aaa.example"]


def test_multiple_recipients_one_store_call_with_the_accepted_ones(start_server: StartServer) -> None:
    store = RecordingStore()
    server = start_server(store)
    raw = make_message(message_id="multi@test", to="complaints@aaa.example, reklamacje@bbb.example")
    with smtp_session("127.0.0.1", server.port) as smtp:
        refused = smtp.sendmail(
            "c@example.net",
            ["complaints@aaa.example", "ghost@aaa.example", "REKLAMACJE@bbb.example", "complaints@aaa.example"],
            raw,
        )
    assert list(refused) == ["ghost@aaa.example"] and refused["ghost@aaa.example"][0] == 550
    assert store.calls == [(raw, ["complaints@aaa.example", "reklamacje@bbb.example"], "c@example.net")]


def test_declared_size_over_the_limit_is_refused_at_mail_from(start_server: StartServer) -> None:
    store = RecordingStore()
    server = start_server(store)
    with smtp_session("127.0.0.1", server.port) as smtp:
        code, text = smtp.mail("c@example.net", options=[f"SIZE={MAX_SIZE + 1}"])
        assert (code, text) == (552, b"5.3.4 Message size exceeds fixed maximum message size")
        assert smtp.mail("c@example.net", options=[f"SIZE={MAX_SIZE}"])[0] == 250
    assert store.calls == []


def test_oversized_data_without_declared_size_is_refused_after_data(start_server: StartServer) -> None:
    store = RecordingStore()
    server = start_server(store)
    big = make_message(message_id="big@test", body=(b"y" * 998 + b"\r\n") * (MAX_SIZE // 1000 + 5))
    with smtp_session("127.0.0.1", server.port) as smtp:
        assert smtp.mail("c@example.net")[0] == 250  # no SIZE= parameter: only the data tells
        assert smtp.rcpt("complaints@aaa.example")[0] == 250
        assert smtp.data(big) == (552, b"5.3.4 Message size exceeds fixed maximum message size")
        # The session stays usable: a normal message right after is accepted.
        assert smtp.sendmail("c@example.net", ["complaints@aaa.example"], make_message(message_id="ok@test")) == {}
    assert [c[0] for c in store.calls] == [make_message(message_id="ok@test")]


def test_store_failure_answers_451_and_the_retry_is_stored(start_server: StartServer) -> None:
    store = RecordingStore(fail_next=1)
    server = start_server(store)
    raw = make_message(message_id="retry@test")
    with smtp_session("127.0.0.1", server.port) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as err:
            smtp.sendmail("c@example.net", ["complaints@aaa.example"], raw)
        assert err.value.smtp_code == 451  # temporary: the sending MTA keeps the mail and retries
        assert err.value.smtp_error == b"4.3.0 Temporary failure storing the message, try again later"
    assert store.calls == []
    with smtp_session("127.0.0.1", server.port) as smtp:  # the sender's retry
        assert smtp.sendmail("c@example.net", ["complaints@aaa.example"], raw) == {}
    assert [c[0] for c in store.calls] == [raw]


def test_recipient_lookup_failure_is_temporary_not_550(start_server: StartServer) -> None:
    def broken(address: str) -> bool:
        raise ConnectionError("database unreachable")

    server = start_server(RecordingStore(), accepts_recipient=broken)
    with smtp_session("127.0.0.1", server.port) as smtp:
        assert smtp.mail("c@example.net")[0] == 250
        code, text = smtp.rcpt("complaints@aaa.example")
        assert code == 451 and text.startswith(b"4.3.0")


def test_null_sender_bounce_is_accepted(start_server: StartServer) -> None:
    store = RecordingStore()
    server = start_server(store)
    raw = make_message(message_id="dsn@test", sender="MAILER-DAEMON@example.net")
    with smtp_session("127.0.0.1", server.port) as smtp:
        assert smtp.sendmail("<>", ["complaints@aaa.example"], raw) == {}
    assert store.calls == [(raw, ["complaints@aaa.example"], "<>")]  # kept: such mail is never answered


def test_serve_forever_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from querela.intake.email.smtp_server import serve_forever

        def store(raw, rcpts, mail_from):
            with open(sys.argv[1], "ab") as f:
                f.write(raw)

        serve_forever("127.0.0.1", 0, accepts_recipient=lambda a: True, store_raw=store, max_size=10000,
                      on_ready=lambda c: print(c.port, flush=True))
        print("clean exit", flush=True)
        """
    )
    out = tmp_path / "stored.eml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        raw = make_message(message_id="cli@test")
        with smtp_session("127.0.0.1", port) as smtp:
            assert smtp.sendmail("c@example.net", ["x@aaa.example"], raw) == {}
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr.decode()
    assert b"clean exit" in stdout
    assert out.read_bytes() == raw
