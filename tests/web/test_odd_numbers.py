"""Digits that `str.isdigit` accepts but `int` refuses ("²", "٣") in addresses and forms: the page
answers normally, as for any other id that names nothing; never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ODD = ["²", "٣", "１２", "1²"]


def _client(role: str) -> Client:
    c = Client()
    assert c.login(username=f"aaa-{role}", password=PASSWORD)
    return c


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("field", ["assignee", "department"])
def test_worklist_filters(world, field, value) -> None:
    response = _client("handler").get("/t/AAA/complaints/", {field: value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_audit_log_paging(world, value) -> None:
    assert _client("supervisor").get("/t/AAA/audit/", {"before": value}).status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_agent_register_form_with_an_odd_customer(world, value) -> None:
    response = _client("agent").post("/t/AAA/complaints/register/", {"customer": value, "subject": "x"})
    assert response.status_code < 500


@pytest.mark.parametrize("value", ODD)
def test_api_paging(world, value) -> None:
    session = _client("agent")
    for name in ("limit", "offset"):
        assert session.get("/api/v1/t/AAA/complaints/", {name: value}).status_code < 500


def test_phone_digits_keep_only_plain_digits() -> None:
    from querela.customers.text import digits

    assert digits("+36 (30) 123-4567 ²") == "36301234567"
