"""Logins that can't be used to lock an office out (issue 16, item 1): wrong passwords are limited per
account and per client address, counted atomically before the password is checked; a locked account's
owner gets an unlock link; a browser that signed in before is not locked out by someone else's guessing;
staff can ask for a new password. The same for the consumer sign-in."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.core import mail
from django.test import Client

from querela.accounts import login_guard
from querela.core import ratelimit, tenancy
from tests.factories import PASSWORD, skip_or_fail

# Account mail is sent after commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

OFFICE = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    ratelimit.store().clear()  # type: ignore[attr-defined]
    settings.QUERELA = {**settings.QUERELA, "TRUSTED_PROXIES": 1}


def _login(client: Client, username: str, password: str, **extra: str):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def _link(message) -> str:
    return "/" + re.search(r"https?://[^\s]+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_an_office_behind_one_address_still_signs_in_after_many_wrong_passwords(world, monkeypatch):
    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    # Twelve colleagues mistype once each (the old per-address limit was 10 for everyone).
    for n in range(12):
        assert _login(Client(), f"colleague{n}", "wrong", **OFFICE).status_code == 200
    assert _login(Client(), "aaa-handler", PASSWORD, **OFFICE).status_code == 302


def test_the_address_limit_still_stops_a_guesser_spraying_many_accounts(world, settings):
    settings.QUERELA = {**settings.QUERELA, "LOGIN_ADDRESS_LIMIT": (5, 900)}
    for n in range(5):
        _login(Client(), f"someone{n}", "wrong", **OFFICE)
    refused = _login(Client(), "aaa-handler", PASSWORD, **OFFICE)
    assert refused.status_code == 429
    assert "from your network" in refused.content.decode()
    # A right password is not a failure: the office's own sign-ins don't use up the address's limit.
    settings.QUERELA = {**settings.QUERELA, "LOGIN_ADDRESS_LIMIT": (3, 900)}
    ratelimit.store().clear()  # type: ignore[attr-defined]
    for _ in range(6):
        assert _login(Client(), "aaa-handler", PASSWORD, **OFFICE).status_code == 302


def test_wrong_passwords_for_one_account_make_the_next_attempt_wait(world):
    for _ in range(2):
        assert _login(Client(), "aaa-handler", "wrong", REMOTE_ADDR="192.0.2.1").status_code == 200
    third = _login(Client(), "aaa-handler", "wrong", REMOTE_ADDR="192.0.2.1")
    assert "The user name or password is wrong. Wait 2 seconds before trying again." in third.content.decode()
    refused = _login(Client(), "aaa-handler", PASSWORD, REMOTE_ADDR="192.0.2.2")
    assert refused.status_code == 429 and refused["Retry-After"] == "2"
    assert "wait 2 seconds" in refused.content.decode()


def test_a_locked_account_is_unlocked_by_the_link_mailed_to_its_owner(world, monkeypatch):
    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    for n in range(5):  # from five addresses: the per-address limit is not what stops them
        assert _login(Client(), "aaa-handler", "wrong", REMOTE_ADDR=f"192.0.2.{n}").status_code == 200
    locked = _login(Client(), "aaa-handler", PASSWORD, REMOTE_ADDR="192.0.2.50")
    assert locked.status_code == 429
    assert re.search(r"This account is locked for \d+ more minutes? after too many wrong", locked.content.decode())
    _login(Client(), "aaa-handler", PASSWORD, REMOTE_ADDR="192.0.2.51")
    [notice] = mail.outbox  # once per lock, however often it is tried while locked
    assert notice.to == ["aaa-handler@example.test"] and notice.subject == "Your Querela account was locked"

    owner = Client()
    link = _link(notice)
    assert "Unlock my account" in owner.get(link).content.decode()  # a mail scanner opening it changes nothing
    assert _login(Client(), "aaa-handler", PASSWORD).status_code == 429
    unlocked = owner.post(link)
    assert unlocked.status_code == 302 and unlocked["Location"] == "/login/"
    assert _login(owner, "aaa-handler", PASSWORD).status_code == 302
    assert Client().post(link).status_code == 404  # spent by the sign-in


def test_someone_else_guessing_does_not_lock_out_a_browser_that_signed_in_before(world, monkeypatch):
    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    owner = Client()
    assert _login(owner, "aaa-handler", PASSWORD).status_code == 302
    owner.post("/logout/")
    for n in range(8):
        _login(Client(), "aaa-handler", "wrong", REMOTE_ADDR=f"203.0.113.{n}")
    assert _login(Client(), "aaa-handler", PASSWORD).status_code == 429  # a new browser: locked
    assert _login(owner, "aaa-handler", PASSWORD).status_code == 302  # the owner's: counted apart


def test_parallel_attempts_meet_the_limit_exactly(settings, monkeypatch):
    """Twenty attempts at once against a limit of ten: ten get their password checked, not twelve."""
    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    settings.QUERELA = {**settings.QUERELA, "LOGIN_ACCOUNT_LIMIT": (10, 900)}
    allowed = _race(f"acct-{uuid.uuid4().hex}")
    assert allowed == 10


@pytest.mark.redis
def test_parallel_attempts_meet_the_limit_exactly_on_redis(settings, monkeypatch):
    import os

    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    import redis

    url = os.environ.get("QUERELA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis not reachable at {url} ({exc}); start redis-server or set QUERELA_TEST_REDIS_URL")
    settings.QUERELA = {**settings.QUERELA, "LOGIN_ACCOUNT_LIMIT": (10, 900), "RATE_LIMIT_STORE": ("redis", url)}
    assert _race(f"acct-{uuid.uuid4().hex}") == 10


def _race(account: str) -> int:
    start = threading.Barrier(20)
    verdicts: list[bool] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        start.wait()
        gate = login_guard.sign_in_gate(account=account, address=f"198.51.100.{n}")
        with lock:
            verdicts.append(gate.allowed)
        if gate.allowed:
            login_guard.sign_in_failed(gate)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(verdicts)


def test_staff_ask_for_a_new_password_by_mail(world):
    page = Client().post("/login/password/", {"name": "AAA-Handler"})
    assert page.status_code == 200 and "Check your e-mail" in page.content.decode()
    unknown = Client().post("/login/password/", {"name": "nobody-here"})
    assert unknown.content.decode().count("Check your e-mail") == page.content.decode().count("Check your e-mail")
    [message] = mail.outbox  # only the real account got one
    assert message.to == ["aaa-handler@example.test"]
    link = _link(message)
    new = "Új-jelszó-a-zárolás-után-2026"
    weak = Client().post(link, {"password": "123", "password_again": "123"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    done = Client().post(link, {"password": new, "password_again": new})
    assert done.status_code == 302
    assert _login(Client(), "aaa-handler", PASSWORD).status_code == 200  # the old one no longer works
    assert _login(Client(), "aaa-handler", new).status_code == 302
    assert Client().get(link).status_code == 404  # spent


def test_a_consumer_account_locks_and_unlocks_the_same_way(world, monkeypatch):
    from django.contrib.auth import get_user_model

    from querela.tenants.models import Membership

    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    user = get_user_model().objects.create_user("eva@example.hu", "eva@example.hu", PASSWORD)
    with tenancy.tenant_scope(world.a.tenant):
        Membership.objects.create(user=user, role="consumer")
    for n in range(5):
        wrong = Client().post(
            "/p/AAA/account/login/", {"email": "eva@example.hu", "password": "x"}, REMOTE_ADDR=f"192.0.2.{n}"
        )
        assert wrong.status_code == 400
    locked = Client().post("/p/AAA/account/login/", {"email": "eva@example.hu", "password": PASSWORD})
    assert locked.status_code == 429 and "locked" in locked.content.decode()
    [notice] = mail.outbox
    assert notice.subject == "Your account was locked" and "/p/AAA/account/unlock/" in notice.body
    owner = Client()
    assert owner.post(_link(notice)).status_code == 302
    signed_in = owner.post("/p/AAA/account/login/", {"email": "eva@example.hu", "password": PASSWORD})
    assert signed_in.status_code == 302


def test_guessed_api_tokens_are_limited_per_address_and_a_right_one_still_works(world, settings):
    from rest_framework.test import APIClient

    from querela.tenants.tokens import api_token_issue

    settings.QUERELA = {**settings.QUERELA, "LOGIN_ADDRESS_LIMIT": (3, 900)}
    with tenancy.tenant_scope(world.a.tenant):
        key = api_token_issue(actor=world.a.actor("handler"))
    right = APIClient(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="192.0.2.9")
    for _ in range(5):  # right keys don't use the limit up
        assert right.get("/api/v1/t/AAA/complaints/").status_code == 200
    guesser = APIClient(REMOTE_ADDR="192.0.2.66")
    for n in range(3):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token guess{n}")
        assert guesser.get("/api/v1/t/AAA/complaints/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = guesser.get("/api/v1/t/AAA/complaints/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
