"""The API's retention read: the schedule and the last purge's report, for the officer's token only."""

from __future__ import annotations

import pytest

from querela.core import tenancy
from querela.privacy.purge import purge_execute, purge_start
from querela.privacy.services import retention_set
from querela.tenants.access import system_actor
from tests.privacy.helpers import client_of

pytestmark = pytest.mark.django_db


def test_the_schedule_and_the_last_purge_are_read_by_the_officer_only(world):
    w = world.a
    url = f"/api/v1/t/{w.tenant.code}/privacy/retention/"
    admin = client_of(w, "tenant_admin")
    body = admin.get(url).json()
    assert body["last_purge"] is None
    periods = {p["document_type"]: p for p in body["periods"]}
    assert periods["complaint_record"]["months"] == 60 and periods["complaint_record"]["minimum_months"] == 60
    assert periods["recording"]["configurable"] is False and periods["recording"]["fixed"]
    with tenancy.tenant_scope(w.tenant):
        retention_set(actor=w.actor("tenant_admin"), months={"attachment": 24}, reason="Shorter for files")
        actor = system_actor(w.tenant)
        purge_execute(purge_start(actor=actor, dry_run=False), actor=actor)
    body = admin.get(url).json()
    assert {p["document_type"]: p["months"] for p in body["periods"]}["attachment"] == 24
    assert body["last_purge"]["state"] == "done" and "complaint_record" in body["last_purge"]["report"]
    assert client_of(w, "handler").get(url).status_code == 403
    assert client_of(world.b, "tenant_admin").get(url).status_code == 404
