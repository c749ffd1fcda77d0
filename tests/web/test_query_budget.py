"""The hot pages cost a fixed number of SQL statements however many rows they show: a later N+1 (one
query per row) fails here. The budgets are today's counts; lower them when a page gets cheaper."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.complaints.services import Upload, complaint_add_message, complaint_add_note, complaint_register
from querela.core import tenancy
from querela.customers.models import Customer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    c = Client()
    assert c.login(username=f"aaa-{role}", password=PASSWORD)
    return c


def _statements(client: Client, url: str) -> int:
    client.get(url)  # the first request of a session pays for one-off work (session, caches)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _complaints(w, n: int) -> list:
    out = []
    for i in range(n):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject=f"Kovács panasz {i}",
            description="Magas a számla.",
            customer=w.customer,
            place=w.place,
        )
        out.append(c)
    return out


def _grow_case(w, c, n: int) -> None:
    for i in range(n):
        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text=f"Jegyzet {i}")
        complaint_add_message(
            actor=w.actor("consumer"),
            complaint_id=c.pk,
            text=f"Üzenet {i}",
            uploads=[Upload(f"f{i}.txt", io.BytesIO(b"meter photo notes"), 17)],
        )


@pytest.mark.parametrize(
    ("role", "url", "budget"),
    [
        # By due date: the dated page, then the undated rows when it is not full (two seeks), each as
        # ids first, then those rows with their joins; +1: the page's checklist progress (issue 14).
        ("handler", "/t/AAA/complaints/", 11),
        ("handler", "/t/AAA/complaints/?view=unassigned&channel=phone&category=billing&from=2020-01-01", 11),
        ("handler", "/t/AAA/complaints/?q=Panasz&order=received", 10),
        ("supervisor", "/t/AAA/", 18),  # the desk: figures, lists, overdue consultations
        ("clerk", "/t/AAA/", 6),  # the customer office: today's visits, registered by me
        ("consumer", "/t/AAA/", 7),
    ],
)
def test_lists_cost_the_same_for_few_and_many_rows(world, role, url, budget) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        _complaints(w, 2)
    client = _client(role)
    few = _statements(client, url)
    with tenancy.tenant_scope(w.tenant):
        _complaints(w, 8)
    many = _statements(client, url)
    assert many == few, f"{url}: {few} statements for 2 rows, {many} for 10"
    assert many <= budget, many


def test_the_case_file_costs_the_same_for_a_short_and_a_long_history(world) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        (c,) = _complaints(w, 1)
        _grow_case(w, c, 1)
    handler = _client("handler")
    url = f"/t/AAA/complaints/{c.reference}/"
    few = _statements(handler, url)
    with tenancy.tenant_scope(w.tenant):
        _grow_case(w, c, 6)
    many = _statements(handler, url)
    assert many == few, f"case file: {few} statements, then {many} with a longer history"
    assert many <= 15, many  # +1: the checklist on the case (issue 14), one query


@pytest.mark.parametrize("role", ["clerk", "agent"])  # the desk sees the people; a call, only that they exist
def test_the_customer_search_costs_the_same_for_few_and_many_hits(world, role) -> None:
    w = world.a
    searcher = Client(HTTP_HX_REQUEST="true")  # typed into the search box, results while typing
    assert searcher.login(username=f"aaa-{role}", password=PASSWORD)
    url = "/t/AAA/customers/?q=Kov"
    few = _statements(searcher, url)
    with tenancy.tenant_scope(w.tenant):
        for i in range(8):
            Customer.objects.create(customer_number=f"KQ-{i}", name=f"Kovács {i}", email=f"k{i}@example.hu")
    many = _statements(searcher, url)
    assert many == few, f"search: {few} statements, then {many} with more hits"
    assert many <= 15, many
