"""Each demo login lands on its role's home; pages answer in the four languages."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.demo.data import DEMO_PASSWORD
from querela.demo.seed import demo_logins, seed_demo

pytestmark = pytest.mark.django_db

EXPECTED = {
    "consumer": "My complaints",
    "agent": "A call comes in",
    "clerk": "Find the visitor",
    "handler": "My open complaints",
    "supervisor": "Open complaints",
    "tenant_admin": "Administration",
    "dpo": "Data protection",
    "platform_operator": "Suppliers on this installation",
}


def test_demo_logins_land_on_their_role_home():
    assert seed_demo(progress=False)
    assert not seed_demo(progress=False)  # seeding twice changes nothing
    for username, role, tenant in demo_logins():
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
        assert response.status_code == 200, username
        page = response.content.decode()
        if "+" in tenant:  # a person with roles at two suppliers chooses first
            assert "Choose a supplier" in page
            response = client.get(f"/t/{tenant.split('+')[0]}/")
            page = response.content.decode()
        assert EXPECTED[role] in page, (username, response.redirect_chain)


def test_demo_has_complaints_in_every_state_for_every_tenant():
    from querela.complaints.models import Complaint
    from querela.complaints.workflow import Status
    from querela.core import tenancy
    from querela.customers.models import Customer
    from querela.instructions.models import WorkInstruction
    from querela.tenants.models import Tenant

    seed_demo(progress=False)
    assert Tenant.objects.count() == 4
    for tenant in Tenant.objects.all():
        with tenancy.tenant_scope(tenant):
            assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
            assert Customer.objects.count() >= 50
            # The work instruction library (issue 14): the sector's set, in the supplier's language.
            assert WorkInstruction.objects.filter(is_current=True, language=tenant.default_language).count() >= 30


def test_login_is_rate_limited(settings):
    settings.QUERELA = {**settings.QUERELA, "RATE_LIMIT_LOGIN": (3, 300)}
    client = Client()
    codes = [client.post("/login/", {"username": "x", "password": "wrong-password"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.parametrize(
    ("lang", "text"), [("hu", "Bejelentkezés"), ("pl", "Zaloguj"), ("ro", "Autentificare"), ("en", "Log in")]
)
def test_login_page_in_each_language(lang, text):
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/login/")
    assert text in response.content.decode()


def test_secure_headers_and_csrf(db):
    client = Client(enforce_csrf_checks=True)
    response = client.get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert client.post("/login/", {"username": "a", "password": "b"}).status_code == 403
