"""Consumer accounts on the public site: verified sign-up, sign-in links, new passwords, linking by proof."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from querela.core import tenancy
from querela.customers.models import Customer, Invoice
from querela.tenants.models import Membership

# Account mail is sent after commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Hosszú-jelszó-2026"


def _link(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def _signup(client: Client, email: str = "eva@example.hu", password: str = PASSWORD):
    return client.post("/p/AAA/account/signup/", {"name": "Szabó Éva", "email": email, "password": password})


def test_sign_up_confirm_by_mail_then_sign_in(world):
    client = Client()
    page = _signup(client)
    assert page.status_code == 200 and "Check your e-mail" in page.content.decode()
    user = get_user_model().objects.get(username="eva@example.hu")
    assert not user.is_active  # nothing works before the address is confirmed
    assert client.post("/p/AAA/account/login/", {"email": "eva@example.hu", "password": PASSWORD}).status_code == 400
    [message] = mail.outbox
    link = "/" + _link(message)
    assert client.get(link).status_code == 200  # a mail scanner opening the link confirms nothing
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.status_code == 302 and response["Location"].endswith("/t/AAA/account/customers/")
    user.refresh_from_db()
    assert user.is_active
    with tenancy.tenant_scope(world.a.tenant):
        assert Membership.objects.get(user=user).role == "consumer"
    assert client.post(link).status_code == 404  # spent
    other = Client()
    signed_in = other.post("/p/AAA/account/login/", {"email": "EVA@example.hu", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"].endswith("/t/AAA/")


def test_sign_up_and_reset_never_tell_whether_an_address_has_an_account(world):
    client = Client()
    _signup(client)
    client.post("/" + _link(mail.outbox[0]))
    mail.outbox.clear()
    again = _signup(Client())
    fresh = _signup(Client(), email="nobody@example.hu")
    strip = lambda r: r.content.decode().replace("eva@example.hu", "X").replace("nobody@example.hu", "X")  # noqa: E731
    assert again.status_code == fresh.status_code == 200
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", strip(again)) == re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", strip(fresh)
    )
    # The owner of the address learns it already has an account.
    assert [m.subject for m in mail.outbox] == ["You already have an account", "Confirm your e-mail address"]
    mail.outbox.clear()
    known = Client().post("/p/AAA/account/password/", {"email": "eva@example.hu"})
    unknown = Client().post("/p/AAA/account/password/", {"email": "ghost@example.hu"})
    assert known.status_code == unknown.status_code == 200
    assert [m.to for m in mail.outbox] == [["eva@example.hu"]]
    wrong = Client().post("/p/AAA/account/login/", {"email": "eva@example.hu", "password": "wrong-password-1"})
    none = Client().post("/p/AAA/account/login/", {"email": "ghost@example.hu", "password": "wrong-password-1"})
    assert "wrong" in wrong.content.decode() and "wrong" in none.content.decode()


def test_a_weak_password_is_refused_with_the_reason(world):
    page = _signup(Client(), password="12345678")
    assert page.status_code == 400 and "too common" in page.content.decode()


def test_sign_in_link_works_once_and_password_reset_signs_in(world):
    client = Client()
    _signup(client)
    client.post("/" + _link(mail.outbox[0]))
    mail.outbox.clear()
    Client().post("/p/AAA/account/login-link/", {"email": "eva@example.hu"})
    link = "/" + _link(mail.outbox[0])
    browser = Client()
    assert browser.post(link).status_code == 302
    assert browser.get("/t/AAA/").status_code == 200
    assert Client().post(link).status_code == 404  # used once: signing in spent it
    mail.outbox.clear()
    Client().post("/p/AAA/account/password/", {"email": "eva@example.hu"})
    reset = "/" + _link(mail.outbox[0])
    assert Client().post(reset, {"password": "short"}).status_code == 400
    done = Client().post(reset, {"password": "Új-hosszú-jelszó-2026"})
    assert done.status_code == 302
    assert Client().post(reset, {"password": "Még-egy-jelszó-2026"}).status_code == 404  # spent
    assert (
        Client()
        .post("/p/AAA/account/login/", {"email": "eva@example.hu", "password": "Új-hosszú-jelszó-2026"})
        .status_code
        == 302
    )


def test_linking_needs_proof_beyond_the_customer_id(world):
    client = Client()
    _signup(client)
    client.post("/" + _link(mail.outbox[0]))
    customer = world.a.other_customer
    with tenancy.tenant_scope(world.a.tenant):
        Invoice.objects.create(customer=customer, number="INV-2026-77", issued_on="2026-11-01")
    url = "/t/AAA/account/customers/"
    refused = client.post(url, {"customer_number": customer.customer_number})
    assert refused.status_code == 400 and "meter serial number or an invoice number" in refused.content.decode()
    wrong = client.post(url, {"customer_number": customer.customer_number, "invoice_number": "INV-2026-78"})
    assert wrong.status_code == 400 and "do not match" in wrong.content.decode()
    assert customer.name not in wrong.content.decode()
    ok = client.post(url, {"customer_number": customer.customer_number, "invoice_number": "inv-2026-77"})
    assert ok.status_code == 200 and customer.name in ok.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        assert Customer.objects.get(pk=customer.pk).user.username == "eva@example.hu"
    # Someone else's customer (already linked) can't be taken over, even with the right meter.
    taken = client.post(url, {"customer_number": world.a.customer.customer_number, "meter_serial": "AAA-METER-1"})
    assert taken.status_code == 400 and "already linked" in taken.content.decode()


def test_guessing_meter_serials_is_rate_limited(world, settings):
    settings.QUERELA = {**settings.QUERELA, "RATE_LIMIT_LOGIN": (3, 300)}
    client = Client()
    client.force_login(world.a.users["consumer"])
    url = "/t/AAA/account/customers/"
    number = world.a.other_customer.customer_number
    codes = [client.post(url, {"customer_number": number, "meter_serial": f"X{n}"}).status_code for n in range(4)]
    assert codes == [400, 400, 400, 429]


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor", "tenant_admin"])
def test_staff_do_not_sign_in_on_the_public_site(world, role):
    user = world.a.users[role]
    response = Client().post("/p/AAA/account/login/", {"email": user.username, "password": "x"})
    assert response.status_code == 400
