"""Bad input gets a message a person understands, never a server error."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from querela.complaints.services import complaint_register
from querela.core import tenancy
from querela.tenants.models import PlatformOperator, Tenant
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(role: str, code: str = "aaa") -> Client:
    c = Client()
    assert c.login(username=f"{code}-{role}", password=PASSWORD)
    return c


def test_odd_query_strings_and_forms_never_crash(world) -> None:
    handler, admin, agent = _login("handler"), _login("tenant_admin"), _login("agent")
    assert handler.get("/t/AAA/complaints/", {"assignee": "9" * 30, "department": "x"}).status_code == 200
    assert handler.get("/api/v1/t/AAA/complaints/", {"limit": "9" * 30, "offset": "-1"}).status_code == 200
    from querela.deadlines.policies import PRESETS
    from tests.factories import policy_fields

    odd = policy_fields(PRESETS["hu-electricity"].to_dict(), answer_period="9" * 5000, opens="25:99")
    response = admin.post("/t/AAA/admin/policies/hu-electricity/", odd)
    assert response.status_code == 200 and "Saved" not in response.content.decode()
    response = agent.post(
        "/t/AAA/customers/new/",
        {
            "customer_number": "N-1",
            "name": "Dup",
            "preferred_channel": "post",
            "address": "Fő utca 3",
            "postal_code": "1011",
            "city": "Budapest",
            "service_type": "electricity",
            "meter_serials": "A1, A1, ,",
        },
    )
    assert response.status_code == 302  # "A1, A1" is one meter


def test_a_policy_saved_over_another_is_refused(world) -> None:
    from querela.deadlines.policies import PRESETS
    from tests.factories import policy_fields

    admin = _login("tenant_admin")
    fields = policy_fields(PRESETS["hu-utility"].to_dict(), save_as="pl-consumer")
    page = admin.post("/t/AAA/admin/policies/hu-utility/", fields)
    assert "exists already" in page.content.decode()


def test_a_form_address_opened_directly_goes_back_to_its_page(world) -> None:
    with tenancy.tenant_scope(world.a.tenant):
        c = complaint_register(
            actor=world.a.actor("agent"), channel="post", subject="s", description="d", customer=world.a.customer
        )
    response = _login("handler").get(f"/t/AAA/complaints/{c.reference}/note/")
    assert response.status_code == 302 and response["Location"] == f"/t/AAA/complaints/{c.reference}/"


def test_an_empty_note_says_why(world) -> None:
    with tenancy.tenant_scope(world.a.tenant):
        c = complaint_register(
            actor=world.a.actor("agent"), channel="post", subject="s", description="d", customer=world.a.customer
        )
    page = _login("handler").post(f"/t/AAA/complaints/{c.reference}/note/", {"text": ""}, follow=True)
    assert "This field is required." in page.content.decode()


def test_a_tenant_admin_cannot_take_in_the_platform_operator_or_another_suppliers_staff(world) -> None:
    operator = get_user_model().objects.create_user("op-x", "", PASSWORD)
    PlatformOperator.objects.create(user=operator)
    admin = _login("tenant_admin")
    for username in ("op-x", "bbb-handler"):
        page = admin.post("/t/AAA/admin/staff/", {"username": username, "role": "agent"}, follow=True)
        assert "Saved." not in page.content.decode(), username
    page = admin.post(
        "/t/AAA/admin/staff/", {"username": "new person", "role": "agent", "password": "x" * 12}, follow=True
    ).content.decode()
    assert "Saved." not in page  # a user name has no spaces; "xxxxxxxxxxxx" is too common a password anyway


def test_an_unknown_tenant_shows_the_styled_not_found_page(world) -> None:
    page = _login("handler").get("/t/NOPE/")
    assert page.status_code == 404 and "Back to the start page" in page.content.decode()
    assert Tenant.objects.filter(code="NOPE").count() == 0
