"""An id that names another supplier's row (a customer, a place, a representative, a department, a person) is
refused where it was given: beside its field on the form it came from, with everything typed kept, and as a
field error of the body on the API. Nothing is registered, assigned or created with it, and nothing of it is
dropped silently."""

from __future__ import annotations

import re
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.consultations.models import Consultation
from querela.core import tenancy
from querela.customers.models import Representative
from querela.tenants.models import ApiToken, Department
from querela.tenants.tokens import digest
from tests.call_center.calls import open_call, register_url
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

TYPED = "A hívó szerint a mérő kétszer számolt."


def _login(role: str, code: str = "aaa") -> Client:
    c = Client()
    assert c.login(username=f"{code}-{role}", password=PASSWORD)
    return c


def _register_form(w, **over) -> dict:
    return {
        "customer": w.customer.pk,
        "place": w.place.pk,
        "channel": "in_person",
        "kind": "complaint",
        "category": "billing",
        "subject": "Idegen azonosító",
        "description": TYPED,
        **over,
    }


def _nothing_registered(world: World) -> None:
    for w in world:
        with tenancy.tenant_scope(w.tenant):
            assert not Complaint.objects.filter(subject="Idegen azonosító").exists()


def _alert(page: str) -> str:
    found = re.search(r'<p class="flag" role="alert" id="register-errors">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def _complaint(w) -> Complaint:
    with tenancy.tenant_scope(w.tenant):
        return complaint_register(
            actor=w.actor("clerk"), channel="post", subject="Számla", description="d", customer=w.customer
        )


# --- the register forms ---------------------------------------------------------------------------------


def test_another_suppliers_customer_on_the_register_form_is_refused_as_the_forms_error(world) -> None:
    a, b = world.a, world.b
    response = _login("agent").post("/t/AAA/complaints/register/", _register_form(a, customer=b.customer.pk, place=""))
    assert response.status_code == 400
    assert "customer" in response.context["form"].errors
    page = response.content.decode()
    assert "No such customer here." in _alert(page)
    assert TYPED in page and 'value="Idegen azonosító"' in page
    _nothing_registered(world)


def test_another_suppliers_place_is_said_beside_the_place_with_the_text_kept(world) -> None:
    a, b = world.a, world.b
    response = _login("clerk").post("/t/AAA/complaints/register/", _register_form(a, place=b.place.pk))
    assert response.status_code == 400
    page = response.content.decode()
    beside = re.search(r'<span class="flag" id="id_place_error">(.*?)</span>', page, re.S)
    assert beside and "No such consumption place here." in beside.group(1)
    assert TYPED in page
    _nothing_registered(world)


def test_another_suppliers_representative_is_refused_with_the_form_kept(world) -> None:
    a, b = world.a, world.b
    with tenancy.tenant_scope(b.tenant):
        theirs = Representative.objects.create(customer=b.customer, name="Idegen Képviselő")
    response = _login("clerk").post("/t/AAA/complaints/register/", _register_form(a, representative=theirs.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The representative does not act for this customer." in _alert(page) and TYPED in page
    _nothing_registered(world)


def test_the_call_consoles_register_form_refuses_another_suppliers_place(world) -> None:
    a, b = world.a, world.b
    agent = _login("agent")
    call_id = open_call(a, agent)
    response = agent.post(register_url(a, call_id), _register_form(a, place=b.place.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "No such consumption place here." in page and TYPED in page
    _nothing_registered(world)


def test_a_consumer_cannot_file_about_another_suppliers_place(world) -> None:
    b = world.b
    response = _login("consumer").post(
        "/t/AAA/file/",
        {
            "place": b.place.pk,
            "category": "billing",
            "subject": "Idegen azonosító",
            "description": TYPED,
            "reply_channel": "email",
        },
    )
    assert response.status_code == 400
    assert "place" in response.context["form"].errors
    assert TYPED in response.content.decode()
    _nothing_registered(world)


# --- staff forms naming a department or a person -----------------------------------------------------------


def test_another_suppliers_department_is_refused_on_the_staff_form_with_the_input_kept(world) -> None:
    b = world.b
    response = _login("tenant_admin").post(
        "/t/AAA/admin/staff/",
        {
            "username": "uj-kezelo",
            "full_name": "Új Kezelő",
            "role": "handler",
            "department": b.department.pk,
            "password": "long-enough-pw-77",
        },
    )
    assert response.status_code == 400
    assert response.context["staff_form"].errors["department"] == ["Unknown department."]
    page = response.content.decode()
    assert 'value="uj-kezelo"' in page and 'value="Új Kezelő"' in page
    assert not get_user_model().objects.filter(username="uj-kezelo").exists()


def test_assigning_to_another_suppliers_handler_is_refused_on_the_case_file(world) -> None:
    a, b = world.a, world.b
    c = _complaint(a)
    page = _login("supervisor").post(
        f"/t/AAA/complaints/{c.reference}/do/", {"action": "assign", "assignee": b.users["handler"].pk}, follow=True
    )
    assert "must be a complaint handler or supervisor of this supplier" in page.content.decode()
    with tenancy.tenant_scope(a.tenant):
        c.refresh_from_db()
    assert c.assignee_id is None and c.status == "registered"


def test_bulk_assign_refuses_another_suppliers_handler_once_and_names_foreign_complaints(world) -> None:
    a, b = world.a, world.b
    mine, theirs = _complaint(a), _complaint(b)
    supervisor = _login("supervisor")
    page = supervisor.post(
        "/t/AAA/complaints/assign/", {"ids": [mine.pk], "assignee": b.users["handler"].pk}, follow=True
    ).content.decode()
    assert page.count("must be a complaint handler or supervisor of this supplier") == 1
    page = supervisor.post(
        "/t/AAA/complaints/assign/", {"ids": [mine.pk, theirs.pk], "assignee": a.users["handler"].pk}, follow=True
    ).content.decode()
    assert f"Complaint {theirs.pk}: no such complaint here." in page
    with tenancy.tenant_scope(a.tenant):
        mine.refresh_from_db()
    with tenancy.tenant_scope(b.tenant):
        theirs.refresh_from_db()
    assert mine.assignee_id == a.users["handler"].pk and theirs.assignee_id is None


def test_a_consultation_of_another_suppliers_department_is_refused_with_the_question_kept(world) -> None:
    a, b = world.a, world.b
    c = _complaint(a)
    response = _login("supervisor").post(
        f"/t/AAA/complaints/{c.reference}/consultations/",
        {"department": b.department.pk, "question": "Mit mutat a mérő?", "due_on": "2030-01-10"},
    )
    assert response.status_code == 400
    assert "department" in response.context["form"].errors
    assert "Mit mutat a mérő?" in response.content.decode()
    with tenancy.tenant_scope(a.tenant):
        assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("role", "url", "data", "field"),
    [
        ("tenant_admin", "/t/AAA/routing/new/", {"name": "Idegen", "department": "{b_department}"}, "department"),
        (
            "tenant_admin",
            "/t/AAA/org-chart/jobs/new/",
            {"code": "x", "title": "X", "department": "{b_department}"},
            "department",
        ),
        (
            "supervisor",
            "/t/AAA/supervision/reassign/",
            {"from_user": "{a_handler}", "to_user": "{b_handler}"},
            "to_user",
        ),
        ("supervisor", "/t/AAA/supervision/quality/draw/", {"size": "3", "handler": "{b_handler}"}, "handler"),
    ],
)
def test_choice_fields_refuse_another_suppliers_rows(world, role, url, data, field) -> None:
    ids = {
        "b_department": world.b.department.pk,
        "a_handler": world.a.users["handler"].pk,
        "b_handler": world.b.users["handler"].pk,
    }
    sent = {k: v.format(**ids) for k, v in data.items()}
    response = _login(role).post(url, sent, follow=True)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert f"{ids[data[field].strip('{}')]} is not one of the available choices" in page


# --- the API ---------------------------------------------------------------------------------------------


def _api(world: World, role: str) -> Client:
    key = secrets.token_urlsafe(32)
    with tenancy.tenant_scope(world.a.tenant):
        ApiToken.objects.create(user=world.a.users[role], key_sha256=digest(key))
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.parametrize("field", ["place_id", "customer_number"])
def test_the_api_answers_another_suppliers_customer_or_place_with_a_field_error(world, field) -> None:
    a, b = world.a, world.b
    body = {
        "channel": "post",
        "subject": "Idegen azonosító",
        "description": TYPED,
        "customer_number": a.customer.customer_number,
        "place_id": a.place.pk,
    }
    body[field] = b.place.pk if field == "place_id" else b.customer.customer_number
    response = _api(world, "agent").post("/api/v1/t/AAA/complaints/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field] and errors[field][0].startswith("No ")
    _nothing_registered(world)


def test_the_api_answers_another_suppliers_assignee_with_a_field_error(world) -> None:
    a, b = world.a, world.b
    c = _complaint(a)
    response = _api(world, "supervisor").post(
        f"/api/v1/t/AAA/complaints/{c.reference}/transitions/",
        {"action": "assign", "assignee_id": b.users["handler"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "assignee_id": ["The assignee must be a complaint handler or supervisor of this supplier."]
    }
    with tenancy.tenant_scope(a.tenant):
        c.refresh_from_db()
    assert c.assignee_id is None


def test_departments_of_both_suppliers_share_a_code_but_not_an_id(world) -> None:
    # The premise of the tests above: the same code ("billing") in both suppliers, different rows.
    with tenancy.dangerously_all_tenants():
        assert Department.objects.filter(code="billing").count() == 2
