"""Times a person reads and types are the supplier's: stored in UTC, shown and read in the tenant's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.customers.models import Representative
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _agent() -> Client:
    c = Client()
    assert c.login(username="aaa-agent", password=PASSWORD)
    return c


def _letter(w, received_at: str, subject: str):
    return _agent().post(
        "/t/AAA/complaints/register/",
        {
            "customer": w.customer.pk,
            "place": w.place.pk,
            "channel": "post",
            "received_at": received_at,
            "kind": "complaint",
            "category": "billing",
            "subject": subject,
            "description": "Levélben érkezett panasz.",
            "reply_channel": "post",
        },
    )


def test_a_letter_keyed_as_received_late_in_the_evening_counts_on_that_local_day(world) -> None:
    w = world.a
    assert w.tenant.time_zone == "Europe/Budapest"
    _letter(w, "2026-12-01 23:30", "Késő esti levél")
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(subject="Késő esti levél")
        assert c.received_at == datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
        assert clock.tenant_date(w.tenant, c.received_at) == date(2026, 12, 1)
        page = _agent().get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "2026-12-01 23:30" in page and "2026-12-01 22:30" not in page


def test_a_time_that_does_not_exist_locally_is_refused_with_the_input_kept(world) -> None:
    w = world.a
    response = _letter(w, "2026-03-29 02:30", "Óraátállítás")  # clocks jump from 02:00 to 03:00
    assert response.status_code == 400
    page = response.content.decode()
    assert "Óraátállítás" in page and "Europe/Budapest" in page
    with tenancy.tenant_scope(w.tenant):
        assert not Complaint.objects.filter(subject="Óraátállítás").exists()


def test_a_summer_time_receipt_is_stored_two_hours_earlier_in_utc(world) -> None:
    w = world.a
    _letter(w, "2026-07-01 00:15", "Nyári levél")
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(subject="Nyári levél")
        assert c.received_at == datetime(2026, 6, 30, 22, 15, tzinfo=UTC)
        assert clock.tenant_date(w.tenant, c.received_at) == date(2026, 7, 1)


def test_tenant_today_turns_at_local_midnight(world, monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert clock.tenant_today(world.a.tenant) == date(2026, 12, 2)  # 00:30 in Budapest
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 22, 59, tzinfo=UTC))
    assert clock.tenant_today(world.a.tenant) == date(2026, 12, 1)


def test_a_power_of_attorney_expires_at_the_suppliers_midnight(world, monkeypatch) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        rep = Representative.objects.create(
            customer=w.customer, name="Meghatalmazott", power_of_attorney="poa/x.pdf", valid_until=date(2026, 12, 1)
        )
        monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 22, 59, tzinfo=UTC))
        assert rep.poa_valid_today
        monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 23, 1, tzinfo=UTC))
        assert not rep.poa_valid_today  # already 2 December in Budapest
