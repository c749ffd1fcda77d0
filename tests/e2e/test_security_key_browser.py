"""A security key in the browser (issue 16): Chromium's virtual authenticator (DevTools' WebAuthn domain)
stands for the USB key, so the page's own script, the browser's WebAuthn and Querela's verification all
run as they do for a person. A handler with MFA required sets a key up at the first sign-in instead of an
app, signs in with it, adds a second key from their settings with the password, and removes one; a
browser without WebAuthn is offered the code only. axe-core checks each page on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from querela.mfa.models import SecurityKey
from tests.e2e.conftest import assert_accessible, give_password, log_out
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _mfa_required(settings) -> None:
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}


def _virtual_key(page) -> tuple[object, str]:
    """A USB security key plugged into this browser, that touches itself when asked."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": False,
                "isUserVerified": False,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_a_handler_signs_in_with_a_security_key_and_manages_their_keys(page, live_server, world):
    base = live_server.url
    assert base.startswith("http://localhost")  # a domain name: WebAuthn refuses bare IP addresses
    handler = world.a.users["handler"]
    cdp, authenticator = _virtual_key(page)

    give_password(page, base, handler.username)
    page.wait_for_selector("form[data-security-key=create]:not([hidden])")
    assert page.locator("[data-no-security-key]").is_hidden()
    assert_accessible(page, "set-up with a key offered")
    page.fill("form[data-security-key=create] input[name=name]", "Blue key")
    page.press("form[data-security-key=create] input[name=name]", "Enter")  # Enter starts the key, as the button
    page.wait_for_selector("ol.recovery-codes")
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.wait_for_selector("[data-print-codes]", state="visible")  # shown by its script
    with page.expect_download() as saving:
        page.click("[data-save-codes]")
    saved = saving.value
    assert saved.suggested_filename == "querela-recovery-codes.txt"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert all(c in text for c in codes)
    assert f"account {handler.username} at localhost" in text  # whose codes, and for which site
    assert_accessible(page, "recovery codes with print and save")
    page.click("text=I have saved them")
    page.wait_for_selector("nav a[href='/t/AAA/complaints/']")
    log_out(page)

    give_password(page, base, handler.username)
    page.wait_for_selector("form[data-security-key=get]:not([hidden])")
    assert_accessible(page, "sign in with the key")
    page.wait_for_function("document.activeElement.matches('form[data-security-key=get] button[data-start]')")
    page.keyboard.press("Enter")  # the page starts on the key's button
    page.wait_for_selector("nav a[href='/t/AAA/complaints/']")

    page.goto(f"{base}/account/two-step/")
    page.wait_for_selector("text=Security keys and passkeys")
    assert "Blue key" in page.inner_text("table")
    assert_accessible(page, "own settings with a key")
    # A second key, confirmed with the password; a wrong password first is said beside the button.
    second = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "nfc", "automaticPresenceSimulation": True}},
    )["authenticatorId"]
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator})
    form = "form[data-security-key=create]"
    page.fill(f"{form} input[name=name]", "Spare key")
    page.fill(f"{form} input[name=password]", "not my password")
    page.click(f"{form} button[data-start]")
    page.wait_for_selector(f"{form} [data-key-status].flag")
    assert "password is not right" in page.inner_text(f"{form} [data-key-status]")
    assert page.evaluate("document.activeElement.matches('button[data-start]')")  # focus kept for a retry
    page.fill(f"{form} input[name=password]", PASSWORD)
    page.press(f"{form} input[name=password]", "Enter")  # two fields, no submit button: Enter still starts it
    page.wait_for_selector("text=The security key was added.")
    assert {"Blue key", "Spare key"} == set(SecurityKey.objects.filter(user=handler).values_list("name", flat=True))

    # The first key is lost: removed with the password; the spare one signs in.
    blue = SecurityKey.objects.get(user=handler, name="Blue key")
    page.select_option("select[name=key]", value=str(blue.pk))
    page.fill("#id_remove_password", PASSWORD)
    page.click("text=Remove the key")
    page.wait_for_selector("text=was removed")
    log_out(page)
    give_password(page, base, handler.username)
    page.click("form[data-security-key=get] button[data-start]")
    page.wait_for_selector("nav a[href='/t/AAA/complaints/']")
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": second})


def test_a_browser_without_webauthn_is_offered_the_code(page, live_server, world):
    handler = world.a.users["handler"]
    page.add_init_script("delete window.PublicKeyCredential;")
    give_password(page, live_server.url, handler.username)
    page.wait_for_selector("#totp-secret")
    assert page.locator("form[data-security-key]").is_hidden()
    assert page.locator("[data-no-security-key]").is_visible()
    assert_accessible(page, "set-up without WebAuthn")
