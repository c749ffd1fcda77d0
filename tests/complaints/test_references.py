from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from querela.complaints.models import Complaint
from querela.complaints.references import REFERENCE_RE
from querela.complaints.services import complaint_register
from querela.core import tenancy


@pytest.mark.django_db
def test_numbers_are_gapless_per_tenant_and_year(world):
    made = []
    for w in world:
        with tenancy.tenant_scope(w.tenant):
            for year in (2025, 2026, 2026):
                c = complaint_register(
                    actor=w.actor("agent"),
                    channel="post",
                    subject="s",
                    received_at=datetime(year, 6, 1, 10, tzinfo=UTC),
                )
                made.append(c.reference)
    assert made == [
        "AAA-2025-000001",
        "AAA-2026-000001",
        "AAA-2026-000002",
        "BBB-2025-000001",
        "BBB-2026-000001",
        "BBB-2026-000002",
    ]
    assert all(REFERENCE_RE.fullmatch(r) for r in made)


@pytest.mark.django_db
def test_rolled_back_registration_gives_its_number_back(in_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        complaint_register(actor=in_a.actor("agent"), channel="post", subject="s")
        raise RuntimeError("crash before commit")
    c = complaint_register(actor=in_a.actor("agent"), channel="post", subject="s")
    assert c.reference.endswith("-000001")


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_gapless_numbers(world):
    tenant = world.a.tenant
    actor = world.a.actor("agent")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with tenancy.tenant_scope(tenant):
                for _ in range(5):
                    complaint_register(
                        actor=actor, channel="phone", subject="busy line", contact_name="Caller", contact_phone="+36 1"
                    )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with tenancy.tenant_scope(tenant):
        numbers = sorted(int(r[-6:]) for r in Complaint.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, 21))
