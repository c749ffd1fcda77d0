"""Two-step sign-in through the pages, with it required for staff as installed: password, then code, then
the page; set-up on the first sign-in; no staff page before the second step; consumers who switch it on;
one's own settings; the administrator's reset (issue 16)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.core import clock, tenancy
from querela.mfa.models import TotpDevice
from querela.tenants.models import Membership
from tests.factories import PASSWORD
from tests.mfa.helpers import code, secret_of, set_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(monkeypatch):
    state = {"at": datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: state["at"])
    return state


def _password(client: Client, username: str, next_url: str = ""):
    return client.post(
        "/login/" + (f"?next={next_url}" if next_url else ""), {"username": username, "password": PASSWORD}
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_give_the_code_after_the_password_and_then_reach_their_page(world, now):
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    client = Client()
    response = _password(client, handler.username, "/t/AAA/complaints/")
    assert response["Location"] == "/login/verify/"
    assert not _signed_in(client)  # half-signed-in: the password alone opens nothing
    assert client.get("/t/AAA/complaints/")["Location"].startswith("/login/?next=")
    page = client.get("/login/verify/")
    assert "authenticator app" in page.content.decode()
    wrong = client.post("/login/verify/", {"code": "000000" if code(secret, steps=1) != "000000" else "111111"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    now["at"] += timedelta(seconds=30)
    done = client.post("/login/verify/", {"code": code(secret)})
    assert done["Location"] == "/t/AAA/complaints/"
    assert _signed_in(client)
    assert client.get("/t/AAA/complaints/").status_code == 200
    with tenancy.tenant_scope(world.a.tenant):
        actions = set(AuditEvent.objects.filter(object_id=str(handler.pk)).values_list("action", flat=True))
    assert {"mfa.setup", "mfa.failed", "mfa.verified"} <= actions


def test_the_half_sign_in_lasts_five_minutes(world, now, monkeypatch):
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    client = Client()
    _password(client, handler.username)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/login/verify/", {"code": code(secret, steps=1)})
    assert response["Location"] == "/login/"
    assert not _signed_in(client)


def test_staff_without_an_app_set_one_up_at_their_first_sign_in(world, now):
    agent = world.a.users["agent"]
    client = Client()
    assert _password(client, agent.username)["Location"] == "/login/setup/"
    page = client.get("/login/setup/").content.decode()
    assert "<svg" in page and 'role="img"' in page
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert secret == secret_of(agent)
    assert client.get("/t/AAA/").status_code == 302  # nothing opens before the set-up is confirmed
    shown = client.post("/login/setup/", {"code": code(secret)})
    assert shown.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", shown.content.decode())
    assert len(codes) == 10
    assert shown["Cache-Control"] == "no-store"
    assert _signed_in(client)
    assert client.get("/t/AAA/").status_code == 200
    assert "totp-secret" not in client.get("/login/setup/", follow=True).content.decode()  # never shown again
    client.post("/logout/")
    # Next time: the code, or a recovery code once.
    _password(client, agent.username)
    assert client.post("/login/verify/", {"code": codes[0]})["Location"] == "/"
    client.post("/logout/")
    _password(client, agent.username)
    assert client.post("/login/verify/", {"code": codes[0]}).status_code == 400


def test_a_staff_session_signed_in_without_its_second_step_reaches_no_page(world, now):
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    client = Client()
    client.force_login(handler)  # a session from before the rule, or another way in
    response = client.get("/t/AAA/complaints/?q=x")
    assert response["Location"] == "/login/verify/"
    assert not _signed_in(client)
    assert client.get("/api/v1/t/AAA/complaints/").status_code in (401, 403)
    now["at"] += timedelta(seconds=30)
    assert client.post("/login/verify/", {"code": code(secret)})["Location"] == "/t/AAA/complaints/?q=x"
    assert client.get("/t/AAA/complaints/").status_code == 200
    signed_in_api = Client()
    signed_in_api.force_login(world.a.users["supervisor"])
    assert signed_in_api.get("/api/v1/t/AAA/complaints/").status_code == 403


def test_consumers_are_not_asked_unless_they_switched_it_on(world, now):
    consumer = world.a.users["consumer"]
    consumer.username = consumer.email  # online accounts sign in with their e-mail address
    consumer.save(update_fields=["username"])
    client = Client()
    assert _password(client, consumer.username)["Location"] == "/"
    assert client.get("/t/AAA/").status_code == 200
    # Switched on from their own page.
    assert "Switch on" in client.get("/account/two-step/").content.decode()
    page = client.get("/login/setup/").content.decode()
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    shown = client.post("/login/setup/", {"code": code(secret)})
    assert shown.status_code == 200 and "I have saved them" in shown.content.decode()
    client.post("/logout/")
    # The supplier's public sign-in asks for the code now.
    response = client.post("/p/AAA/account/login/", {"email": consumer.email, "password": PASSWORD})
    assert response["Location"] == "/login/verify/"
    assert not _signed_in(client)
    now["at"] += timedelta(seconds=30)
    assert client.post("/login/verify/", {"code": code(secret)})["Location"] == "/t/AAA/"
    assert client.get("/t/AAA/").status_code == 200


def test_wrong_codes_end_the_half_sign_in(world, now, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_CODE_LIMIT": (2, 300)}
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    client = Client()
    _password(client, handler.username)
    wrong = "000000" if code(secret, steps=1) != "000000" else "111111"
    client.post("/login/verify/", {"code": wrong})
    client.post("/login/verify/", {"code": wrong})
    response = client.post("/login/verify/", {"code": code(secret, steps=1)})
    assert response["Location"] == "/login/"
    assert not _signed_in(client)
    assert client.get("/login/verify/")["Location"] == "/login/"  # the half-sign-in was dropped


def test_own_page_makes_new_recovery_codes_and_replaces_the_phone(world, now):
    handler = world.a.users["handler"]
    secret, old = set_up(handler)
    client = Client()
    _password(client, handler.username)
    now["at"] += timedelta(seconds=30)
    client.post("/login/verify/", {"code": code(secret)})
    page = client.get("/account/two-step/").content.decode()
    assert "Recovery codes left" in page
    now["at"] += timedelta(seconds=30)
    shown = client.post("/account/two-step/", {"action": "new_codes", "code": code(secret)})
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", shown.content.decode())
    assert len(new) == 10 and set(new).isdisjoint(old)
    response = client.post("/account/two-step/", {"action": "reset", "code": new[0]})
    assert response["Location"] == "/login/setup/"  # staff: the new phone at once
    assert not TotpDevice.objects.filter(user=handler).exists()
    assert "totp-secret" in client.get("/login/setup/").content.decode()


def test_the_administrator_resets_a_staff_members_two_step_sign_in(world, now):
    w = world.a
    agent = w.users["agent"]
    set_up(agent)
    admin = w.users["tenant_admin"]
    admin_secret, _codes = set_up(admin)
    client = Client()
    _password(client, admin.username)
    now["at"] += timedelta(seconds=30)
    client.post("/login/verify/", {"code": code(admin_secret)})
    with tenancy.tenant_scope(w.tenant):
        membership = Membership.objects.get(user=agent)
    admin_page = client.get("/t/AAA/admin/").content.decode()
    assert f"/t/AAA/admin/staff/{membership.pk}/two-step/" in admin_page
    url = f"/t/AAA/admin/staff/{membership.pk}/two-step/"
    assert "Recovery codes left" in client.get(url).content.decode()
    client.post(url, {"reason": ""})
    assert TotpDevice.objects.filter(user=agent).exists()  # no reason, no reset
    response = client.post(url, {"reason": "Lost phone; identity checked in person"})
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=agent).exists()
    assert "not set up" in client.get(url).content.decode()
    with tenancy.tenant_scope(w.tenant):
        event = AuditEvent.objects.get(action="mfa.reset")
    assert event.changes["reason"] == "Lost phone; identity checked in person"
    # The agent sets up a new app at their next sign-in.
    assert _password(Client(), agent.username)["Location"] == "/login/setup/"


def test_the_audit_log_says_it_in_words(world, now):
    w = world.a
    agent = w.users["agent"]
    set_up(agent)
    with tenancy.tenant_scope(w.tenant):
        from querela.mfa.services import reset_other

        reset_other(actor=w.actor("tenant_admin"), user_id=agent.pk, reason="Lost phone")
    client = Client()
    client.force_login(w.users["supervisor"])
    session = client.session
    session["mfa_verified"] = True
    session.save()
    page = client.get("/t/AAA/audit/?action=mfa").content.decode()
    assert "set up two-step sign-in with an authenticator app" in page
    assert "Two-step sign-in of" in page and "Lost phone" in page


def test_the_code_just_signed_in_with_is_called_used_not_wrong(world, now):
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    client = Client()
    _password(client, handler.username)
    now["at"] += timedelta(seconds=30)
    assert client.post("/login/verify/", {"code": code(secret)})["Location"] == "/"
    client.post("/logout/")
    _password(client, handler.username)
    again = client.post("/login/verify/", {"code": code(secret)})  # the same 30 seconds: the same code
    assert again.status_code == 400
    assert "That code was used already. Wait for the next code" in again.content.decode()
    assert not _signed_in(client)
