"""The tenant administrator edits the remedy bodies on a form page: audited, validated, never raw JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.remedies.models import RemedyBody
from querela.remedies.services import remedy_bodies_load, remedy_body_save
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(role: str = "tenant_admin") -> Client:
    client = Client()
    assert client.login(username=f"aaa-{role}", password=PASSWORD)
    return client


def _baranya(w) -> RemedyBody:
    with tenancy.tenant_scope(w.tenant):
        return RemedyBody.objects.get(kind="conciliation_body", region="Baranya")


def _form(body: RemedyBody, **changes) -> dict[str, object]:
    values = {
        "kind": body.kind,
        "country": body.country,
        "region": body.region,
        "name": body.name,
        "address": body.address,
        "phone": body.phone,
        "email": body.email,
        "web": body.web,
        "position": body.position,
    }
    values.update({"is_active": "on"} if body.is_active else {})
    values.update(changes)
    return values


def test_the_administrator_edits_a_body_and_the_edit_is_audited(world):
    w = world.a
    body = _baranya(w)
    client = _client()
    listing = client.get("/t/AAA/admin/remedies/").content.decode()
    assert "Baranya Megyei Békéltető Testület" in listing and f"/admin/remedies/{body.pk}/" in listing
    edit = client.get(f"/t/AAA/admin/remedies/{body.pk}/")
    assert edit.status_code == 200 and "(72) 507-154" in edit.content.decode()
    response = client.post(
        f"/t/AAA/admin/remedies/{body.pk}/", _form(body, phone="(72) 999-000", email="uj@baranyabekeltetes.hu")
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        body.refresh_from_db()
        assert body.phone == "(72) 999-000" and body.email == "uj@baranyabekeltetes.hu"
        event = AuditEvent.objects.get(action="remedies.body_changed", object_id=str(body.pk))
    assert event.changes["phone"] == ["(72) 507-154; (20) 283-3422", "(72) 999-000"]
    assert set(event.changes) == {"phone", "email"}


def test_a_wrong_email_or_an_unknown_county_is_refused_with_nothing_saved(world):
    w = world.a
    body = _baranya(w)
    client = _client()
    page = client.post(f"/t/AAA/admin/remedies/{body.pk}/", _form(body, email="info@ok.hu; not-an-address"))
    assert page.status_code == 200 and "not-an-address" in page.content.decode()
    client.post(f"/t/AAA/admin/remedies/{body.pk}/", _form(body, region="Atlantis"))
    with tenancy.tenant_scope(w.tenant):
        body.refresh_from_db()
        assert body.email == "info@baranyabekeltetes.hu; kerelem@baranyabekeltetes.hu" and body.region == "Baranya"
        assert not AuditEvent.objects.filter(action="remedies.body_changed").exists()


def test_a_county_is_kept_as_answers_match_it_and_one_seat_per_kind(in_a):
    admin = in_a.actor("tenant_admin")
    zala = RemedyBody.objects.get(kind="conciliation_body", region="Zala")
    remedy_body_save(actor=admin, body_id=zala.pk, values={"region": "zala megye", "is_seat": True})
    zala.refresh_from_db()
    assert zala.region == "Zala" and zala.is_seat
    vas = RemedyBody.objects.get(kind="conciliation_body", region="Vas")
    remedy_body_save(actor=admin, body_id=vas.pk, values={"is_seat": True})
    assert list(RemedyBody.objects.filter(is_seat=True)) == [vas]


def test_a_body_is_added_from_the_page(world):
    w = world.a
    client = _client()
    response = client.post(
        "/t/AAA/admin/remedies/",
        {
            "kind": "other",
            "country": "HU",
            "region": "",
            "name": "Pénzügyi Békéltető Testület",
            "web": "www.mnb.hu/bekeltetes",
            "position": 900,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        added = RemedyBody.objects.get(name="Pénzügyi Békéltető Testület")
        assert added.tenant_id == w.tenant.pk and added.preset == ""
        assert AuditEvent.objects.filter(action="remedies.body_created", object_id=str(added.pk)).exists()


def test_only_the_administrator_may(world):
    for role in ("handler", "supervisor", "agent"):
        assert _client(role).get("/t/AAA/admin/remedies/").status_code == 403
    with tenancy.tenant_scope(world.a.tenant), pytest.raises(PermissionDenied):
        remedy_body_save(actor=world.a.actor("supervisor"), body_id=None, values={"kind": "other", "name": "x"})


def test_the_service_refuses_what_no_answer_could_use(in_a):
    admin = in_a.actor("tenant_admin")
    with pytest.raises(ValidationFailed):
        remedy_body_save(actor=admin, body_id=None, values={"kind": "court", "name": "x"})
    with pytest.raises(ValidationFailed):
        remedy_body_save(actor=admin, body_id=None, values={"kind": "other", "name": "  "})


def test_loading_the_presets_adds_only_what_is_missing(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        RemedyBody.objects.filter(region="Tolna").delete()
        changed = RemedyBody.objects.get(region="Zala", kind="conciliation_body")
        changed.phone = "(92) 000-000"
        changed.save()
        count = RemedyBody.objects.count()
    response = _client().post("/t/AAA/admin/remedies/load/")
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        assert RemedyBody.objects.count() == count + 1
        assert RemedyBody.objects.get(region="Zala", kind="conciliation_body").phone == "(92) 000-000"
        assert AuditEvent.objects.get(action="remedies.load").changes == {"added": 1}
        assert remedy_bodies_load(actor=w.actor("tenant_admin")) == 0
