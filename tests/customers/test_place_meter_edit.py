"""Staff correct a customer's consumption places and meters: every change with its reason, audited with the
before/after pairs; another supplier's rows are out of reach; roles without `customer.edit` (or without
sight of the record) are refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.customers.models import ConsumptionPlace, Meter
from querela.customers.services import meter_add, meter_replace, meter_update, place_update
from tests.factories import TenantWorld

pytestmark = pytest.mark.django_db


def _client(w: TenantWorld, role: str = "clerk") -> Client:
    c = Client()
    c.force_login(w.users[role])
    return c


def _place(**over) -> dict:
    return {
        "address": "Petőfi utca 3.",
        "postal_code": "4024",
        "city": "Debrecen",
        "region": "",
        "service_type": "electricity",
        **over,
    }


def _meter(w: TenantWorld) -> Meter:
    with tenancy.tenant_scope(w.tenant):
        return Meter.objects.get(place=w.place)


def _events(w: TenantWorld, action: str) -> list[AuditEvent]:
    with tenancy.tenant_scope(w.tenant):
        return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_place_correction_needs_its_reason_and_is_audited_with_before_and_after(world):
    w = world.a
    url = f"/t/AAA/customers/{w.customer.pk}/places/{w.place.pk}/edit/"
    clerk = _client(w)
    page = clerk.get(url).content.decode()
    assert "Petőfi utca 1." in page and 'list="remedy-counties"' in page and "Bács-Kiskun" in page
    refused = clerk.post(url, _place())
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    done = clerk.post(url, _place(region="szabolcs-szatmár-bereg megye", reason="Az ügyfél jelezte az elírást."))
    assert done.status_code == 302 and done["Location"] == f"/t/AAA/customers/{w.customer.pk}/"
    with tenancy.tenant_scope(w.tenant):
        place = ConsumptionPlace.objects.get(pk=w.place.pk)
    # The county is kept as the remedy bodies write it: it decides which conciliation body an answer names.
    assert place.address == "Petőfi utca 3." and place.region == "Szabolcs-Szatmár-Bereg"
    (event,) = _events(w, "place.update")
    assert event.object_type == "customer" and event.object_id == w.customer.customer_number
    assert event.changes["address"] == ["Petőfi utca 1.", "Petőfi utca 3."]
    assert event.changes["region"] == ["Hajdú-Bihar", "Szabolcs-Szatmár-Bereg"]
    assert event.changes["place"] == "4024 Debrecen, Petőfi utca 1."
    assert event.changes["reason"] == "Az ügyfél jelezte az elírást."
    assert "postal_code" not in event.changes  # only what changed
    log = _client(w, "supervisor").get("/t/AAA/audit/?action=customer").content.decode()
    assert "Consumption place 4024 Debrecen, Petőfi utca 1. of Kovács Anna AAA corrected" in log


def test_a_county_that_is_no_county_is_refused_with_a_reason(world):
    w = world.a
    url = f"/t/AAA/customers/{w.customer.pk}/places/{w.place.pk}/edit/"
    refused = _client(w).post(url, _place(region="Atlantisz", reason="x"))
    assert refused.status_code == 400
    assert "is not a county here" in refused.content.decode()
    with tenancy.tenant_scope(w.tenant):
        assert ConsumptionPlace.objects.get(pk=w.place.pk).region == "Hajdú-Bihar"


def test_a_place_is_added_with_its_meters_and_the_reason(world):
    w = world.a
    url = f"/t/AAA/customers/{w.customer.pk}/places/new/"
    clerk = _client(w)
    assert clerk.post(url, _place(address="Kossuth utca 9.", meter_serials="NEW-1, NEW-2")).status_code == 400
    done = clerk.post(
        url, _place(address="Kossuth utca 9.", meter_serials="NEW-1, NEW-2", reason="Új felhasználási hely.")
    )
    assert done.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        place = ConsumptionPlace.objects.get(customer=w.customer, address="Kossuth utca 9.")
        assert sorted(place.meters.values_list("serial", flat=True)) == ["NEW-1", "NEW-2"]
    (event,) = _events(w, "place.create")
    assert event.changes["meters"] == [None, ["NEW-1", "NEW-2"]]
    assert event.changes["reason"] == "Új felhasználási hely."


def test_a_meter_is_added_corrected_and_replaced_each_with_its_reason(world):
    w = world.a
    clerk = _client(w)
    today = clock.tenant_today(w.tenant)
    base = f"/t/AAA/customers/{w.customer.pk}"
    added = clerk.post(
        f"{base}/places/{w.place.pk}/meters/new/",
        {"serial": "SM-100", "meter_type": "smart", "installed_on": "2020-03-01", "reason": "Helyszíni ellenőrzés."},
    )
    assert added.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        meter = Meter.objects.get(serial="SM-100")
    assert meter.place_id == w.place.pk and meter.installed_on == date(2020, 3, 1) and meter.meter_type == "smart"
    (event,) = _events(w, "meter.add")
    assert event.changes["meter"] == "SM-100" and event.changes["reason"] == "Helyszíni ellenőrzés."

    corrected = clerk.post(
        f"{base}/meters/{meter.pk}/edit/",
        {"serial": "SM-101", "meter_type": "smart", "installed_on": "2020-03-01", "reason": "Elírt gyári szám."},
    )
    assert corrected.status_code == 302
    (event,) = _events(w, "meter.update")
    assert event.changes["serial"] == ["SM-100", "SM-101"] and event.changes["reason"] == "Elírt gyári szám."
    assert "installed_on" not in event.changes

    removed = (today - timedelta(days=2)).isoformat()
    replaced = clerk.post(
        f"{base}/meters/{meter.pk}/replace/",
        {"removed_on": removed, "serial": "SM-200", "meter_type": "smart, 3-phase", "reason": "Mérőcsere."},
    )
    assert replaced.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        old, new = Meter.objects.get(pk=meter.pk), Meter.objects.get(serial="SM-200")
    assert old.removed_on == today - timedelta(days=2) and new.installed_on == old.removed_on
    assert new.place_id == w.place.pk and new.removed_on is None
    (event,) = _events(w, "meter.replace")
    assert event.changes["meter"] == ["SM-101", "SM-200"] and event.changes["removed_on"] == removed
    page = clerk.get(f"{base}/").content.decode()
    assert "SM-200" in page and "SM-101" in page and "removed on" in page
    # A meter taken out already can't be replaced again: the new one is added to the place.
    again = clerk.post(f"{base}/meters/{meter.pk}/replace/", {"removed_on": removed, "serial": "SM-300", "reason": "x"})
    assert again.status_code == 400 and "was removed on" in again.content.decode()


def test_a_serial_on_file_is_refused_with_a_clear_message_but_another_supplier_may_have_it(world):
    w = world.a
    clerk = _client(w)
    url = f"/t/AAA/customers/{w.customer.pk}/places/{w.place.pk}/meters/new/"
    clash = clerk.post(url, {"serial": "aaa-meter-1", "reason": "Új mérő."})  # case aside, it is on file
    assert clash.status_code == 400
    assert "Meter AAA-METER-1 is already registered at another consumption place." in clash.content.decode()
    assert clerk.post(url, {"serial": "BBB-METER-1", "reason": "Új mérő."}).status_code == 302  # B's, not ours
    with tenancy.tenant_scope(w.tenant):
        new = Meter.objects.get(serial="BBB-METER-1")
    edit = clerk.post(
        f"/t/AAA/customers/{w.customer.pk}/meters/{new.pk}/edit/", {"serial": "AAA-METER-1", "reason": "Elírás."}
    )
    assert "is already registered" in edit.content.decode()


def test_dates_that_cannot_be_are_refused(in_a):
    w = in_a
    actor = w.actor("clerk")
    today = clock.tenant_today(w.tenant)
    meter = Meter.objects.get(place=w.place)
    with pytest.raises(ValidationFailed, match="removed before it was installed"):
        meter_update(
            actor=actor, meter_id=meter.pk, installed_on=date(2024, 5, 1), removed_on=date(2024, 4, 1), reason="x"
        )
    with pytest.raises(ValidationFailed, match="after today"):
        meter_add(actor=actor, place_id=w.place.pk, serial="F-1", installed_on=today + timedelta(days=1), reason="x")
    with pytest.raises(ValidationFailed, match="installed before the old one was removed"):
        meter_replace(
            actor=actor,
            meter_id=meter.pk,
            removed_on=today,
            serial="F-2",
            installed_on=today - timedelta(days=1),
            reason="x",
        )


def test_the_services_need_the_reason_and_write_nothing_without_a_change(in_a):
    w = in_a
    actor = w.actor("supervisor")
    with pytest.raises(ValidationFailed) as refused:
        place_update(actor=actor, place_id=w.place.pk, city="Nyíregyháza", reason="  ")
    assert refused.value.code == "reason_required"
    with pytest.raises(ValidationFailed):
        meter_add(actor=actor, place_id=w.place.pk, serial="R-1", reason="")
    place_update(actor=actor, place_id=w.place.pk, city="Debrecen", reason="")  # no change: nothing to explain
    assert not AuditEvent.objects.filter(action="place.update").exists()
    with pytest.raises(PermissionDenied):
        place_update(actor=w.actor("handler"), place_id=w.place.pk, city="Eger", reason="x")


def test_roles_without_the_permission_or_without_sight_of_the_record_are_refused(world):
    w = world.a
    meter = _meter(w)
    base = f"/t/AAA/customers/{w.customer.pk}"
    urls = [
        f"{base}/places/new/",
        f"{base}/places/{w.place.pk}/edit/",
        f"{base}/places/{w.place.pk}/meters/new/",
        f"{base}/meters/{meter.pk}/edit/",
        f"{base}/meters/{meter.pk}/replace/",
    ]
    # handler: sees customers, may not change them; agent: may change, sees a record only on a call.
    for role in ("handler", "agent", "consumer", "tenant_admin"):
        client = _client(w, role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
            assert client.post(url, {**_place(), "serial": "X-1", "reason": "x"}).status_code == 403, (role, url)
    with tenancy.tenant_scope(w.tenant):
        assert not Meter.objects.filter(serial="X-1").exists()
    detail = _client(w, "handler").get(f"{base}/").content.decode()
    assert "Correct the consumption place" not in detail
    detail = _client(w, "clerk").get(f"{base}/").content.decode()
    assert "Correct the consumption place" in detail and "Replace the meter" in detail


def test_another_suppliers_places_and_meters_are_out_of_reach(world):
    a, b = world.a, world.b
    b_meter = _meter(b)
    a_meter = _meter(a)
    clerk = _client(a)
    with tenancy.tenant_scope(a.tenant):
        other_place = ConsumptionPlace.objects.get(customer=a.other_customer)
    for url in (
        # B's rows under A's customer, and A's rows under B's customer id: not found here.
        f"/t/AAA/customers/{a.customer.pk}/places/{b.place.pk}/edit/",
        f"/t/AAA/customers/{a.customer.pk}/meters/{b_meter.pk}/edit/",
        f"/t/AAA/customers/{a.customer.pk}/meters/{b_meter.pk}/replace/",
        f"/t/AAA/customers/{b.customer.pk}/places/{a.place.pk}/edit/",
        f"/t/AAA/customers/{b.customer.pk}/places/new/",
        # Another customer's place under this customer.
        f"/t/AAA/customers/{a.customer.pk}/places/{other_place.pk}/edit/",
        f"/t/AAA/customers/{a.other_customer.pk}/meters/{a_meter.pk}/edit/",
    ):
        assert clerk.get(url).status_code == 404, url
        assert clerk.post(url, {**_place(), "serial": "Z-1", "reason": "x"}).status_code == 404, url
    # B's own staff can't reach A's through B's address either.
    b_clerk = _client(b)
    assert b_clerk.get(f"/t/BBB/customers/{a.customer.pk}/places/{a.place.pk}/edit/").status_code == 404
    assert b_clerk.get(f"/t/AAA/customers/{a.customer.pk}/places/{a.place.pk}/edit/").status_code == 404
    with tenancy.tenant_scope(b.tenant):
        assert ConsumptionPlace.objects.get(pk=b.place.pk).address == "Petőfi utca 1."
    with tenancy.tenant_scope(a.tenant):
        assert not AuditEvent.objects.filter(action__in=["place.update", "meter.update", "meter.replace"]).exists()
