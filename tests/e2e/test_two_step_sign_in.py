"""Two-step sign-in in the browser, as a handler meets it with MFA required (issue 16): the first sign-in sets
an authenticator app up from the secret shown on the page, the recovery codes are saved; then signing in
again takes a fresh code of the app, and once a recovery code. axe-core checks each page on the way."""

from __future__ import annotations

import time

import pyotp
import pytest

from tests.e2e.conftest import assert_accessible, give_password, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _mfa_required(settings) -> None:
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}


def test_a_handler_sets_up_the_app_then_signs_in_with_its_code_and_with_a_recovery_code(page, live_server, world):
    base = live_server.url
    username = world.a.users["handler"].username

    # First sign-in: the set-up page, the key typed into the "app" by hand.
    give_password(page, base, username)
    page.wait_for_selector("#totp-secret")
    assert page.url.endswith("/login/setup/")
    assert page.locator("figure.qr svg[role=img]").count() == 1
    assert_accessible(page, "set-up")
    app = pyotp.TOTP(page.inner_text("#totp-secret").replace(" ", ""))
    page.goto(f"{base}/t/AAA/complaints/")  # nothing opens before the app is confirmed
    assert "/login" in page.url
    page.goto(f"{base}/login/setup/")
    page.fill("input[name=code]", "000000" if app.now() != "000000" else "111111")
    page.click("button.primary")
    page.wait_for_selector("[role=alert]")
    assert_accessible(page, "set-up, wrong code")
    page.fill("input[name=code]", app.now())
    page.click("button.primary")
    page.wait_for_selector("ol.recovery-codes")
    assert_accessible(page, "recovery codes")
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have saved them")
    page.wait_for_selector("nav a[href='/t/AAA/complaints/']")
    log_out(page)

    # Again: the password, then a fresh code (the set-up's code was spent: the next one the app shows).
    give_password(page, base, username)
    page.wait_for_selector("input[name=code]")
    assert page.url.endswith("/login/verify/")
    assert_accessible(page, "code")
    page.fill("input[name=code]", app.at(time.time() + 30))
    page.click("button.primary")
    page.wait_for_selector("nav a[href='/t/AAA/complaints/']")
    page.goto(f"{base}/account/two-step/")
    page.wait_for_selector("text=Recovery codes left")
    assert_accessible(page, "own two-step settings")
    log_out(page)

    # The phone is lost: a recovery code, once.
    give_password(page, base, username)
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", codes[0])
    page.click("button.primary")
    page.wait_for_selector("text=You signed in with a recovery code; 9 are left")
    assert page.locator("nav a[href='/t/AAA/complaints/']").count() == 1
    log_out(page)
    give_password(page, base, username)
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", codes[0])
    page.click("button.primary")
    page.wait_for_selector("[role=alert]")
    assert "not right" in page.inner_text("[role=alert]")
    assert page.evaluate("document.activeElement.name") == "code"  # focus on the field to type again
    assert page.get_attribute("input[name=code]", "aria-invalid") == "true"
    assert_accessible(page, "code, refused")
