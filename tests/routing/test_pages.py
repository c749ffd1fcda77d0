"""The administrator's routing pages (the rules in order, the form, deletion after a confirmation, the dry
run) and the API's list; nobody else reaches them; the list and the dry run cost a fixed number of
statements however many rules and complaints they show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.routing.models import RoutingRule
from querela.routing.selectors import last_month
from tests.api.test_api import _token_client
from tests.factories import PASSWORD
from tests.routing.helpers import department, register, rule

pytestmark = pytest.mark.django_db


def _client(w, role: str) -> Client:
    c = Client()
    assert c.login(username=w.users[role].username, password=PASSWORD)
    return c


def _names() -> list[str]:
    return list(RoutingRule.objects.order_by("position", "pk").values_list("name", flat=True))


@pytest.mark.parametrize("role", ["agent", "clerk", "handler", "supervisor", "consumer"])
def test_only_the_administrator_reaches_the_routing_pages(world, role):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        r = rule(w, w.department, category="billing")
    client = _client(w, role)
    for url in ("/t/AAA/routing/", "/t/AAA/routing/new/", f"/t/AAA/routing/{r.pk}/", "/t/AAA/routing/dry-run/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/t/AAA/routing/{r.pk}/delete/").status_code == 403
    assert client.post(f"/t/AAA/routing/{r.pk}/switch/", {"on": "0"}).status_code == 403
    with tenancy.tenant_scope(w.tenant):
        assert RoutingRule.objects.filter(pk=r.pk, is_active=True).exists()
    assert "/t/AAA/routing/" not in client.get("/t/AAA/").content.decode()


def test_the_administrator_adds_orders_switches_edits_and_deletes_rules(world):
    w = world.a
    admin = _client(w, "tenant_admin")
    assert 'href="/t/AAA/routing/"' in admin.get("/t/AAA/admin/").content.decode()
    with tenancy.tenant_scope(w.tenant):
        metering = department("metering", "Mérés")
    page = admin.get("/t/AAA/routing/new/").content.decode()
    assert '<datalist id="routing-regions">' in page and '<option value="Hajdú-Bihar">' in page
    for name, category, dept in (("Billing", "billing", w.department), ("Metering", "metering", metering)):
        response = admin.post(
            "/t/AAA/routing/new/",
            {"name": name, "category": category, "department": dept.pk, "pool": "none", "is_active": "on"},
        )
        assert response.status_code == 302, response.content
    with tenancy.tenant_scope(w.tenant):
        assert _names() == ["Billing", "Metering"]
        billing, meter = RoutingRule.objects.order_by("position")
    listing = admin.get("/t/AAA/routing/").content.decode()
    assert "Billing" in listing and "Mérés" in listing and "Move “Metering” up" in listing
    admin.post(f"/t/AAA/routing/{meter.pk}/move/", {"direction": "up"})
    with tenancy.tenant_scope(w.tenant):
        assert _names() == ["Metering", "Billing"]
    admin.post(f"/t/AAA/routing/{billing.pk}/switch/", {"on": "0"})
    response = admin.post(
        f"/t/AAA/routing/{meter.pk}/",
        {
            "name": "Metering, Debrecen",
            "category": "metering",
            "region": "Hajdú-Bihar",
            "department": metering.pk,
            "pool": "round_robin",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        meter.refresh_from_db()
        billing.refresh_from_db()
        assert (meter.name, meter.region, meter.pool) == ("Metering, Debrecen", "Hajdú-Bihar", "round_robin")
        assert not billing.is_active
    # A refusal comes back on the form with its reason.
    page = admin.post(f"/t/AAA/routing/{meter.pk}/", {"name": "", "department": metering.pk, "pool": "none"})
    assert page.status_code == 200
    confirm = admin.get(f"/t/AAA/routing/{billing.pk}/delete/")
    assert confirm.status_code == 200 and "Delete the routing rule “Billing”?" in confirm.content.decode()
    assert admin.post(f"/t/AAA/routing/{billing.pk}/delete/").status_code == 302
    with tenancy.tenant_scope(w.tenant):
        assert _names() == ["Metering, Debrecen"]
        codes = set(AuditEvent.objects.filter(action__startswith="routing.").values_list("action", flat=True))
    assert codes == {"routing.rule_create", "routing.reorder", "routing.rule_update", "routing.rule_delete"}
    log = admin.get("/t/AAA/audit/?kind=routing").content.decode()
    assert "Routing rule Billing deleted" in log


def test_the_dry_run_page_shows_last_month_and_an_unsaved_edit(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        since, _until = last_month(w.tenant)
        c = register(w, "billing", received_at=since + timedelta(hours=3))
        r = rule(w, w.department, name="Billing", category="billing")
        metering = department("metering", "Mérés")
    admin = _client(w, "tenant_admin")
    page = admin.get("/t/AAA/routing/dry-run/").content.decode()
    assert c.reference in page and "Billing" in page and "20000" in page.replace(",", "").replace("\xa0", "")
    page = admin.post(
        f"/t/AAA/routing/{r.pk}/",
        {
            "name": "Billing",
            "category": "billing",
            "department": metering.pk,
            "pool": "none",
            "is_active": "on",
            "dry_run": "1",
        },
    ).content.decode()
    assert "as edited, not saved" in page and "Mérés" in page and c.reference in page
    with tenancy.tenant_scope(w.tenant):
        r.refresh_from_db()
        assert r.department_id == w.department.pk


def _statements(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_rule_list_and_the_dry_run_cost_the_same_for_few_and_many_rows(world):
    w = world.a
    admin = _client(w, "tenant_admin")
    with tenancy.tenant_scope(w.tenant):
        since, _until = last_month(w.tenant)
        rule(w, department("metering"), category="metering")
        register(w, "metering", received_at=since + timedelta(hours=1))
    few = {url: _statements(admin, url) for url in ("/t/AAA/routing/", "/t/AAA/routing/dry-run/")}
    with tenancy.tenant_scope(w.tenant):
        for n in range(10):
            rule(w, department(f"dept-{n}"), name=f"Rule {n}", region=f"Region {n}", channel="post")
            register(w, "billing", received_at=since + timedelta(hours=2 + n))
    many = {url: _statements(admin, url) for url in few}
    assert many == few
    # Today's counts (session, user, membership, tenant … then one query for the rules; the departments and
    # one streamed query for the complaints): lower them when a page gets cheaper.
    assert few == {"/t/AAA/routing/": 5, "/t/AAA/routing/dry-run/": 7}, few


def test_the_api_lists_the_rules_in_order_for_the_administrator_only(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        rule(w, w.department, name="Billing", category="billing", pool="round_robin")
        rule(w, department("metering"), name="Metering", category="metering", region="Pest")
    response = _token_client(w.users["tenant_admin"]).get("/api/v1/t/AAA/routing-rules/")
    assert response.status_code == 200
    rows = response.json()
    assert [r["name"] for r in rows] == ["Billing", "Metering"]
    assert rows[0]["department"] == "billing" and rows[0]["pool"] == "round_robin" and rows[0]["pool_job"] is None
    assert rows[1]["region"] == "Pest" and rows[1]["position"] > rows[0]["position"]
    assert _token_client(w.users["handler"]).get("/api/v1/t/AAA/routing-rules/").status_code == 403
