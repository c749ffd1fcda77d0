"""Login: a crafted `next` can't send a fresh session elsewhere; the rate limit counts the real client."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, next_url: str, **extra: str):
    return client.post(f"/login/?next={next_url}", {"username": "aaa-handler", "password": PASSWORD}, **extra)


def test_login_follows_a_local_next_but_not_another_site(world) -> None:
    assert _login(Client(), "/t/AAA/complaints/")["Location"] == "/t/AAA/complaints/"
    for evil in ("https://evil.example/phish", "//evil.example/", "https:/evil.example"):
        location = _login(Client(), evil)["Location"]
        assert "evil.example" not in location, evil


def test_failed_logins_behind_a_proxy_are_counted_per_client_not_per_proxy(world, settings) -> None:
    settings.QUERELA = {**settings.QUERELA, "TRUSTED_PROXIES": 1, "LOGIN_ADDRESS_LIMIT": (2, 300)}
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    colleague = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for name in ("a1", "a2"):
        Client().post("/login/", {"username": name, "password": "wrong"}, **attacker)
    assert Client().post("/login/", {"username": "a3", "password": "wrong"}, **attacker).status_code == 429
    # Someone else behind the same proxy still gets in.
    response = Client().post("/login/", {"username": "aaa-handler", "password": PASSWORD}, **colleague)
    assert response.status_code == 302


def test_a_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(world, settings) -> None:
    settings.QUERELA = {**settings.QUERELA, "TRUSTED_PROXIES": 0, "LOGIN_ADDRESS_LIMIT": (2, 300)}
    for name, spoof in (("x1", "1.1.1.1"), ("x2", "2.2.2.2")):
        Client().post(
            "/login/", {"username": name, "password": "y"}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=spoof
        )
    blocked = Client().post(
        "/login/", {"username": "x3", "password": "y"}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="3.3.3.3"
    )
    assert blocked.status_code == 429


def test_an_anonymous_visitor_cannot_tell_real_tenant_codes_from_made_up_ones(world) -> None:
    real, made_up = Client().get("/t/AAA/complaints/"), Client().get("/t/ZZZ/complaints/")
    assert real.status_code == made_up.status_code == 302
    assert real["Location"].startswith("/login/") and made_up["Location"].startswith("/login/")


def test_pages_and_downloads_with_personal_data_are_never_cached(world) -> None:
    c = Client()
    assert c.login(username="aaa-handler", password=PASSWORD)
    customer = f"/t/AAA/customers/{world.a.customer.pk}/"
    for url in ("/t/AAA/", "/t/AAA/complaints/", customer, "/api/v1/t/AAA/complaints/"):
        response = c.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url


def test_an_idle_session_is_signed_out_and_sent_back_to_where_it_was(world, monkeypatch) -> None:
    from querela.core import idle

    clock = {"t": 1_000_000.0}
    monkeypatch.setattr(idle, "now", lambda: clock["t"])
    c = Client()
    assert c.login(username="aaa-handler", password=PASSWORD)
    assert c.get("/t/AAA/complaints/").status_code == 200
    clock["t"] += 29 * 60  # still within the 30 minutes
    assert c.get("/t/AAA/complaints/").status_code == 200
    clock["t"] += 31 * 60
    response = c.get("/t/AAA/complaints/")
    assert response.status_code == 302 and "/login/" in response["Location"] and "next=" in response["Location"]
    assert c.get("/t/AAA/complaints/").status_code == 302  # signed out for good, not just redirected once
