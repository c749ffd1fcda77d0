"""The personal-data access log: who saw or changed whose data, when — by customer, member of staff and day,
a page at a time, and as CSV (taking it is audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from querela.audit.models import AuditEvent
from querela.complaints.services import complaint_register
from querela.core import clock, tenancy
from querela.privacy.access_log import AccessFilters, access_page
from tests.privacy.helpers import client_of

pytestmark = pytest.mark.django_db


def _look_around(w) -> str:
    """A handler opens Anna's record and her complaint; a supervisor opens Béla's; a search lists Anna."""
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="email", subject="Bill", description="d", customer=w.customer
        )
    handler = client_of(w, "handler")
    handler.get(f"/t/{w.tenant.code}/customers/{w.customer.pk}/")
    handler.get(f"/t/{w.tenant.code}/complaints/{c.reference}/")
    handler.get(f"/t/{w.tenant.code}/customers/", {"q": "Kovács"})
    client_of(w, "supervisor").get(f"/t/{w.tenant.code}/customers/{w.other_customer.pk}/")
    return c.reference


def test_the_log_of_one_customer_lists_who_saw_her_data_and_nothing_about_others(world):
    w = world.a
    reference = _look_around(w)
    _look_around(world.b)
    client = client_of(w, "tenant_admin")
    page = client.get(f"/t/{w.tenant.code}/privacy/access-log/", {"customer": w.customer.customer_number.lower()})
    assert page.status_code == 200
    rows = page.context["page"].rows
    objects = {(r.event.action, r.event.object_id) for r in rows}
    assert ("personal_data.view", w.customer.customer_number) in objects
    assert ("personal_data.view", reference) in objects
    assert ("personal_data.search", "") in objects  # the search that listed her
    assert w.other_customer.customer_number not in {r.event.object_id for r in rows}
    assert all(r.event.tenant_id == w.tenant.pk for r in rows)
    text = page.content.decode()
    assert "Kovács Anna AAA&#x27;s record viewed by aaa-handler" in text
    # By member of staff: the supervisor saw only Béla.
    by_supervisor = client.get(f"/t/{w.tenant.code}/privacy/access-log/", {"person": str(w.users["supervisor"].pk)})
    assert {r.event.object_id for r in by_supervisor.context["page"].rows} == {w.other_customer.customer_number}
    # A day before anything happened: nothing.
    day = (clock.tenant_today(w.tenant) - timedelta(days=1)).isoformat()
    assert not client.get(f"/t/{w.tenant.code}/privacy/access-log/", {"until": day}).context["page"].rows


def test_pages_continue_by_id_and_the_csv_is_audited(world):
    w = world.a
    _look_around(w)
    with tenancy.tenant_scope(w.tenant):
        actor = w.actor("tenant_admin")
        filters = AccessFilters(customer=w.customer.customer_number)
        whole = access_page(actor=actor, filters=filters)
        first = access_page(actor=actor, filters=filters, size=2)
        second = access_page(actor=actor, filters=filters, before_id=first.older, size=2)
    assert first.older is not None
    ids = [r.event.pk for r in first.rows + second.rows]
    assert ids == [r.event.pk for r in whole.rows][:4] and ids == sorted(ids, reverse=True)
    response = client_of(w, "tenant_admin").get(
        f"/t/{w.tenant.code}/privacy/access-log.csv", {"customer": w.customer.customer_number}
    )
    csv_text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "personal_data.view" in csv_text and w.other_customer.name not in csv_text
    with tenancy.tenant_scope(w.tenant):
        event = AuditEvent.objects.get(action="personal_data.export", object_type="access_log")
        assert event.changes["customer"] == w.customer.customer_number


def test_staff_other_than_the_officer_cannot_read_it(world):
    w = world.a
    for role in ("agent", "clerk", "handler", "supervisor"):
        assert client_of(w, role).get(f"/t/{w.tenant.code}/privacy/access-log/").status_code == 403, role
        assert client_of(w, role).get(f"/t/{w.tenant.code}/privacy/access-log.csv").status_code == 403, role
