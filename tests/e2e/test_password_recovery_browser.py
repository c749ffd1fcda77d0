"""A staff member who forgot their password, and one whose account was locked by wrong passwords, in the
browser (issue 16): the request page, the mailed link, the new password, the unlock button; axe-core on
each page."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from querela.core import ratelimit
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path(message) -> str:
    return "/" + re.search(r"https?://[^\s]+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")


def test_a_forgotten_password_is_replaced_from_the_mailed_link(page, live_server, world):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.click("text=Forgot your password?")
    page.wait_for_selector("input[name=name]")
    assert_accessible(page, "new password request")
    page.fill("input[name=name]", "aaa-handler")
    page.click("button.primary")
    page.wait_for_selector("text=Check your e-mail")
    assert_accessible(page, "new password sent")
    [message] = mail.outbox
    page.goto(base + _path(message))
    page.wait_for_selector("input[name=password_again]")
    assert_accessible(page, "new password form")
    new = "Browserben-választott-2026"
    page.fill("input[name=password]", new)
    page.fill("input[name=password_again]", new)
    page.click("button.primary")
    page.wait_for_selector("text=Your new password is set")
    _sign_in(page, base, "aaa-handler", new)
    page.wait_for_selector("nav a[href='/t/AAA/complaints/']")


def test_a_locked_account_is_unlocked_from_the_mailed_link(page, live_server, world, settings, monkeypatch):
    from querela.accounts import login_guard

    ratelimit.store().clear()  # type: ignore[attr-defined]
    # A lock after 3 wrong passwords, without the waits between them (tested apart, in tests/security).
    settings.QUERELA = {**settings.QUERELA, "LOGIN_ACCOUNT_LIMIT": (3, 900)}
    monkeypatch.setattr(login_guard, "_WAIT_FROM", 99)
    base = live_server.url
    for attempt in range(8):  # more than 4: the counting window may turn over during the test
        _sign_in(page, base, "aaa-agent", f"wrong-{attempt}")
        if "locked" in page.inner_text("main"):
            break
    assert "This account is locked" in page.inner_text("main")
    assert_accessible(page, "locked")
    [notice] = mail.outbox
    page.goto(base + _path(notice))
    page.wait_for_selector("text=Unlock my account")
    assert_accessible(page, "unlock")
    page.click("button.primary")
    page.wait_for_selector("text=Your account is unlocked")
