"""The audit log page and its CSV: filters kept in the address, pages by id (never OFFSET), a fixed number
of SQL statements however many rows, times in the supplier's zone, the export streamed and audited, and
only the roles the permission table allows."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.audit import selectors
from querela.audit.models import AuditEvent
from querela.audit.services import audit_personal_data, audit_record
from querela.core import clock, tenancy
from querela.customers.models import Customer
from querela.tenants.permissions import PERMISSIONS
from tests.factories import PASSWORD, ROLES

pytestmark = pytest.mark.django_db


def _client(w, role: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=w.users[role].username, password=PASSWORD)
    return c


def _text(html: bytes) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())))


def _rows(html: bytes) -> list[str]:
    body = html.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [_text(r.encode()) for r in body.split("<tr>")[1:] if "colspan" not in r]


def _activity(w, n: int) -> None:
    """n rounds of the usual: a record seen during a call, a complaint assigned, a call's recording deleted."""
    with tenancy.tenant_scope(w.tenant):
        for i in range(n):
            audit_personal_data(
                actor=w.actor("agent"),
                what="view",
                object_type="customer",
                object_id=w.customer.customer_number,
                call=f"CALL-{i}",
            )
            audit_record(
                actor=w.actor("supervisor"),
                action="complaint.assign",
                object_type="complaint",
                object_id=f"{w.tenant.code}-2026-{i:06d}",
                changes={"status": ["registered", "assigned"], "assignee": [None, w.users["handler"].pk]},
            )


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("role", ROLES)
def test_only_the_roles_with_audit_view_read_the_log_or_export_it(world, role):
    w = world.a
    _activity(w, 1)
    allowed = role in PERMISSIONS["audit.view"][1]
    client = _client(w, role)
    page = client.get(f"/t/{w.tenant.code}/audit/")
    export = client.get(f"/t/{w.tenant.code}/audit/export.csv")
    assert page.status_code == (200 if allowed else 403)
    assert export.status_code == (200 if allowed else 403)
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="personal_data.export").exists() is allowed
    if not allowed:
        assert w.customer.name.encode() not in page.content + export.content


def test_the_page_says_what_happened_with_names(world):
    w = world.a
    _activity(w, 1)
    rows = _rows(_client(w, "supervisor").get(f"/t/{w.tenant.code}/audit/").content)
    handler, agent = w.users["handler"].username, w.users["agent"].username
    assert f"Complaint {w.tenant.code}-2026-000000: status registered → assigned, assigned to {handler}" in rows[0]
    assert "Assignee: — → " + handler in rows[0]
    assert f"{w.customer.name}'s record viewed by {agent} (call CALL-0)" in rows[1]
    assert "personal_data" not in rows[1] and "{" not in rows[1]


def test_filters_are_kept_in_the_address_and_narrow_the_log(world):
    w = world.a
    _activity(w, 3)
    client = _client(w, "supervisor")
    url = f"/t/{w.tenant.code}/audit/"
    assert len(_rows(client.get(url, {"action": "personal_data"}).content)) == 3
    assert len(_rows(client.get(url, {"action": "complaint.assign"}).content)) == 3
    assert len(_rows(client.get(url, {"object": f"{w.tenant.code}-2026-000001"}).content)) == 1
    assert len(_rows(client.get(url, {"object": "CALL-2"}).content)) == 1  # a record seen during that call
    assert len(_rows(client.get(url, {"person": str(w.users["agent"].pk)}).content)) == 3
    assert len(_rows(client.get(url, {"person": w.users["supervisor"].username}).content)) == 3
    # An unknown kind is refused with a message, not ignored silently.
    refused = client.get(url, {"action": "nonsense"})
    assert refused.status_code == 200 and b"Unknown action kind." in refused.content
    # The CSV link carries the filters.
    page = client.get(url, {"action": "complaint", "person": "aaa-supervisor"}).content.decode()
    link = re.search(r'href="([^"]*export\.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(link).query) == {"action": ["complaint"], "person": ["aaa-supervisor"]}


def test_days_are_the_suppliers_days(world, monkeypatch):
    w = world.a  # Europe/Budapest: 23:30 UTC on 1 December is already 2 December there
    for moment in (datetime(2026, 12, 1, 22, 30, tzinfo=UTC), datetime(2026, 12, 1, 23, 30, tzinfo=UTC)):
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        with tenancy.tenant_scope(w.tenant):
            audit_record(actor=w.actor("agent"), action="call.start", object_type="call", object_id=moment.isoformat())
    client = _client(w, "supervisor")
    url = f"/t/{w.tenant.code}/audit/"
    first = _rows(client.get(url, {"since": "2026-12-01", "until": "2026-12-01"}).content)
    second = _rows(client.get(url, {"since": "2026-12-02", "until": "2026-12-02"}).content)
    assert len(first) == 1 and "2026-12-01 23:30:00" in first[0]
    assert len(second) == 1 and "2026-12-02 00:30:00" in second[0]
    assert (
        b"The last day comes before the first."
        in client.get(url, {"since": "2026-12-02", "until": "2026-12-01"}).content
    )


def test_pages_continue_by_id_not_by_offset(world):
    w = world.a
    _activity(w, 60)  # 120 events: a page of 100, then 20
    client = _client(w, "supervisor")
    with CaptureQueriesContext(connection) as captured:
        first = client.get(f"/t/{w.tenant.code}/audit/", {"action": "complaint"})
    assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)
    rows = _rows(first.content)
    assert len(rows) == 60  # only the assignments: one page
    assert b"Older events" not in first.content
    first = client.get(f"/t/{w.tenant.code}/audit/")
    assert len(_rows(first.content)) == selectors.AUDIT_PAGE
    older = re.search(r'href="\?([^"]*before=\d+[^"]*)"', first.content.decode()).group(1).replace("&amp;", "&")
    second = client.get(f"/t/{w.tenant.code}/audit/?{older}")
    assert len(_rows(second.content)) == 120 - selectors.AUDIT_PAGE
    assert b"Older events" not in second.content
    with tenancy.tenant_scope(w.tenant):
        last_shown = AuditEvent.objects.order_by("-id")[selectors.AUDIT_PAGE - 1].pk
    assert parse_qs(older)["before"] == [str(last_shown)]


def test_a_page_costs_the_same_statements_for_10_rows_and_for_100(world):
    w = world.a
    client = _client(w, "supervisor")
    url = f"/t/{w.tenant.code}/audit/"

    def statements() -> tuple[int, int]:
        client.get(url)  # the session's one-off work
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return len(_rows(response.content)), len(captured)

    _activity(w, 5)
    rows_few, few = statements()
    _activity(w, 45)
    rows_many, many = statements()
    assert (rows_few, rows_many) == (10, 100)
    assert many == few, f"{few} statements for 10 rows, {many} for 100"
    assert many <= 7, many  # today's count: lower it when the page gets cheaper


def test_the_csv_is_streamed_in_the_suppliers_time_and_its_export_audited(world, monkeypatch):
    w = world.a
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    _activity(w, 10)
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 3)  # several chunks, each read by id
    with tenancy.tenant_scope(w.tenant):
        Customer.objects.filter(pk=w.customer.pk).update(name="=HYPERLINK(evil)")
        ids = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True))
    response = _client(w, "supervisor").get(f"/t/{w.tenant.code}/audit/export.csv", {"action": "personal_data"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[1] == "When (Europe/Budapest)" and header[5] == "What happened"
    # Newest first: the export itself (written before the first line), then the ten views, each once.
    assert [r[7] for r in rows] == ["personal_data.export"] + ["personal_data.view"] * 10
    assert [r[9] for r in rows[1:]] == [w.customer.customer_number] * 10
    assert rows[1][1] == "2026-12-02 00:30:00"
    assert rows[1][5] == f"'=HYPERLINK(evil)'s record viewed by {w.users['agent'].username} (call CALL-9)"
    assert [int(r[5].rsplit("CALL-", 1)[1].rstrip(")")) for r in rows[1:]] == list(range(9, -1, -1))
    with tenancy.tenant_scope(w.tenant):
        export = AuditEvent.objects.get(action="personal_data.export")
    assert export.changes == {"action": "personal_data"} and export.actor_id == w.users["supervisor"].pk
    assert export.pk > ids[0]


def test_the_csv_reads_only_the_tenants_own_log(world):
    _activity(world.a, 2)
    _activity(world.b, 3)
    _header, *rows = _csv(_client(world.b, "tenant_admin").get("/t/BBB/audit/export.csv"))
    assert len(rows) == 1 + 6
    assert all(world.a.customer.name not in ",".join(r) for r in rows)
