"""Security keys through the pages (issue 16), with a key in software answering what the pages hand out:
staff set one up at their first sign-in instead of an app and sign in with it; the challenge is good
once and for a few minutes; a signed-in person adds or removes a key with their password; the settings
show times in the supplier's zone."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from querela.mfa.models import SecurityKey
from tests.factories import PASSWORD
from tests.mfa.helpers import code, set_up
from tests.mfa.soft_key import SoftKey

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def _password(client: Client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _options(client: Client, purpose: str, **fields):
    response = client.post(f"/login/key/{purpose}/", fields)
    assert response["Content-Type"] == "application/json"
    return response


def _register_through_setup(client: Client, key: SoftKey, name: str = "Blue key"):
    options = _options(client, "register")
    assert options.status_code == 200, options.content
    assert options.json()["publicKey"]["rp"]["id"] == "testserver"
    return client.post(
        "/login/setup/", {"action": "key", "name": name, "credential": key.create(options.json(), origin=ORIGIN)}
    )


def test_staff_set_up_a_security_key_instead_of_an_app_and_sign_in_with_it(world):
    agent, key = world.a.users["agent"], SoftKey()
    client = Client()
    assert _password(client, agent.username)["Location"] == "/login/setup/"
    page = client.get("/login/setup/").content.decode()
    assert 'data-security-key="create"' in page and "security_key.js" in page
    shown = _register_through_setup(client, key)
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", shown.content.decode())
    assert len(codes) == 10
    assert _signed_in(client) and client.get("/t/AAA/").status_code == 200
    assert SecurityKey.objects.get(user=agent).name == "Blue key"
    client.post("/logout/")

    assert _password(client, agent.username)["Location"] == "/login/verify/"
    page = client.get("/login/verify/").content.decode()
    assert "Use your security key" in page and "Recovery code" in page  # no app: the code field takes those
    options = _options(client, "sign-in")
    done = client.post("/login/verify/", {"action": "key", "credential": key.get(options.json(), origin=ORIGIN)})
    assert done["Location"] == "/"
    assert _signed_in(client) and client.get("/t/AAA/").status_code == 200


def test_a_challenge_is_good_once_and_for_this_sign_in_only(world, monkeypatch):
    agent, key = world.a.users["agent"], SoftKey()
    client = Client()
    _password(client, agent.username)
    _register_through_setup(client, key)
    client.post("/logout/")
    _password(client, agent.username)
    answer = key.get(_options(client, "sign-in").json(), origin=ORIGIN)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)  # the options were asked 5 minutes ago
    late = client.post("/login/verify/", {"action": "key", "credential": answer})
    assert late.status_code in (302, 400) and not _signed_in(client)
    monkeypatch.undo()
    client.post("/logout/")
    _password(client, agent.username)
    fresh = _options(client, "sign-in").json()
    answer = key.get(fresh, origin=ORIGIN)
    assert client.post("/login/verify/", {"action": "key", "credential": answer})["Location"] == "/"
    client.post("/logout/")
    _password(client, agent.username)
    again = client.post("/login/verify/", {"action": "key", "credential": answer})  # no challenge asked this time
    assert again.status_code == 400 and "came too late" in again.content.decode()
    assert not _signed_in(client)


def test_nobody_gets_options_without_a_password_first_and_an_app_user_cannot_add_a_key_half_signed_in(world):
    assert Client().post("/login/key/sign-in/").status_code == 403
    assert Client().post("/login/key/register/").status_code == 403
    handler = world.a.users["handler"]
    set_up(handler)
    client = Client()
    _password(client, handler.username)
    refused = _options(client, "register")
    assert refused.status_code == 403 and "second step first" in refused.json()["error"]
    assert _options(client, "sign-in").json()["error"] == "No security key is registered for you."
    assert client.get("/login/key/sign-in/").status_code == 405


def test_a_signed_in_person_adds_and_removes_keys_with_their_password(world, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    client = Client()
    _password(client, handler.username)
    client.post("/login/verify/", {"code": code(secret, steps=1)})
    assert _signed_in(client)

    wrong = _options(client, "register", password="guess")
    assert wrong.status_code == 400 and wrong.json()["error"] == "That password is not right."
    options = _options(client, "register", password=PASSWORD)
    key = SoftKey()
    added = client.post(
        "/account/two-step/",
        {"action": "add_key", "name": "Laptop", "credential": key.create(options.json(), origin=ORIGIN)},
        follow=True,
    )
    page = added.content.decode()
    assert "The security key was added." in page and ">Laptop</td>" in page
    assert re.search(r"<td[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d CES?T</td>", page)  # the supplier's zone, not UTC

    stored = SecurityKey.objects.get(user=handler)
    kept = client.post("/account/two-step/", {"action": "remove_key", "key": str(stored.pk), "password": "guess"})
    assert kept.status_code == 400 and "That password is not right." in kept.content.decode()
    gone = client.post(
        "/account/two-step/", {"action": "remove_key", "key": str(stored.pk), "password": PASSWORD}, follow=True
    )
    assert "The security key “Laptop” was removed." in gone.content.decode()
    assert not SecurityKey.objects.filter(user=handler).exists()
    odd = client.post("/account/two-step/", {"action": "remove_key", "key": "²", "password": PASSWORD})
    assert odd.status_code == 400 and "No such security key" in odd.content.decode()


def test_a_consumer_switches_two_step_sign_in_on_with_a_passkey(world):
    consumer = world.a.users["consumer"]
    client = Client()
    client.force_login(consumer)
    options = _options(client, "register")  # nothing to confirm yet: no second step to protect
    shown = client.post(
        "/login/setup/",
        {"action": "key", "name": "", "credential": SoftKey(counting=False).create(options.json(), origin=ORIGIN)},
    )
    assert shown.status_code == 200 and "Your recovery codes" in shown.content.decode()
    assert SecurityKey.objects.get(user=consumer).name == "Security key"
    settings_page = client.get("/account/two-step/").content.decode()
    assert "Recovery codes left" in settings_page and "Confirm with your password." in settings_page


def _signed_in_with_a_key(world, role: str = "handler") -> tuple[Client, object, SoftKey]:
    person, key = world.a.users[role], SoftKey()
    client = Client()
    _password(client, person.username)
    _register_through_setup(client, key)  # first second step: signed in
    assert _signed_in(client)
    return client, person, key


def test_a_person_with_keys_alone_adds_an_app_after_their_password(world, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}
    handler, client = world.a.users["handler"], Client()
    _password(client, handler.username)
    first_page = client.get("/login/setup/").content.decode()  # an app's key shown, then a key chosen
    first_secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', first_page).group(1)
    shown = _register_through_setup(client, SoftKey())
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", shown.content.decode())
    settings_page = client.get("/account/two-step/").content.decode()
    assert "Add an authenticator app" in settings_page
    assert client.get("/login/setup/")["Location"] == "/account/two-step/"  # not without the password
    wrong = client.post("/account/two-step/", {"action": "start_app", "password": "guess"})
    assert wrong.status_code == 400 and "That password is not right." in wrong.content.decode()
    assert client.post("/account/two-step/", {"action": "start_app", "password": PASSWORD})["Location"] == (
        "/login/setup/"
    )
    page = client.get("/login/setup/").content.decode()
    assert "<h1>Add an authenticator app</h1>" in page and 'data-security-key="create"' not in page
    shown_secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    assert shown_secret != first_secret  # a new key, not the one an earlier page showed
    added = client.post("/login/setup/", {"code": code(shown_secret.replace(" ", ""))}, follow=True)
    assert "The authenticator app was added. Your recovery codes are unchanged." in added.content.decode()
    after = client.get("/account/two-step/").content.decode()
    assert "Remove the authenticator app" in after and "Add an authenticator app" not in after
    client.post("/logout/")
    _password(client, handler.username)
    assert client.post("/login/verify/", {"code": codes[0]})["Location"] == "/"  # the printed codes still work


def test_a_wrong_recovery_code_is_called_that_when_the_person_has_no_app(world):
    client, agent, _key = _signed_in_with_a_key(world, "agent")
    client.post("/logout/")
    _password(client, agent.username)
    wrong = client.post("/login/verify/", {"code": "abcde-23456"})
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "That recovery code is not right" in text and "6 digits" not in text
    assert "ask your administrator" in text  # staff; a consumer is sent to customer service


def test_a_consumer_removing_their_only_key_is_told_first_and_after_that_it_switches_off(world):
    consumer = world.a.users["consumer"]
    client = Client()
    client.force_login(consumer)
    options = _options(client, "register")
    client.post(
        "/login/setup/",
        {"action": "key", "name": "Phone", "credential": SoftKey().create(options.json(), origin=ORIGIN)},
    )
    page = client.get("/account/two-step/").content.decode()
    assert "removing it switches two-step sign-in off" in page
    key = SecurityKey.objects.get(user=consumer)
    done = client.post(
        "/account/two-step/", {"action": "remove_key", "key": str(key.pk), "password": PASSWORD}, follow=True
    )
    assert "The security key “Phone” was removed. Two-step sign-in is off." in done.content.decode()
    assert "Switch on" in done.content.decode()
