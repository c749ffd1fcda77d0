"""The officer finds a person's customer id by name (issue 16): the data-protection pages take the id,
which a request written by the person rarely gives. The hits are audited like any customer search."""

from __future__ import annotations

import pytest

from querela.audit.models import AuditEvent
from querela.core import tenancy
from tests.privacy.helpers import client_of

pytestmark = pytest.mark.django_db


def test_the_officer_finds_a_person_by_name_and_goes_on_to_their_log_export_or_erasure(world):
    w = world.a
    client = client_of(w, "dpo")
    page = client.get("/t/AAA/privacy/people/", {"q": "kovacs anna"}).content.decode()
    number = w.customer.customer_number
    assert "Kovács Anna AAA" in page and number in page
    assert f"/t/AAA/privacy/access-log/?customer={number}" in page
    assert f"/t/AAA/privacy/exports/?customer={number}" in page
    assert f"/t/AAA/privacy/erasure/{w.customer.pk}/" in page
    assert "Kovács Anna BBB" not in page  # another supplier's namesake
    with tenancy.tenant_scope(w.tenant):
        event = AuditEvent.objects.get(action="personal_data.search")
    assert event.actor_id == w.users["dpo"].pk and event.changes["shown"] == [number]
    prefilled = client.get(f"/t/AAA/privacy/exports/?customer={number}").content.decode()
    assert f'value="{number}"' in prefilled
    nobody = client.get("/t/AAA/privacy/people/", {"q": "Zzyzx"}).content.decode()
    assert "Nobody found" in nobody


def test_only_the_officer_and_the_administrator_may_search_here(world):
    assert client_of(world.a, "agent").get("/t/AAA/privacy/people/", {"q": "Kovács"}).status_code == 403
    assert client_of(world.a, "tenant_admin").get("/t/AAA/privacy/people/", {"q": "Kovács"}).status_code == 200
