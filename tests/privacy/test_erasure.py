"""Erasure on request (GDPR art. 17) within the law's holds (seed 004): what is open, or finished less than
5 years ago, and recordings under 5 years are kept with the day they may go; the rest is anonymised or
deleted after a preview the officer confirms; the audit chain still verifies."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from querela.audit.models import AuditEvent
from querela.audit.sealing import audit_seal_all
from querela.audit.verify import audit_verify
from querela.calls.models import Call
from querela.complaints.models import Attachment, Complaint, TimelineEntry
from querela.complaints.services import complaint_register
from querela.core import clock, tenancy
from querela.core.errors import ValidationFailed
from querela.customers.models import ConsumptionPlace, Customer, Invoice, Meter, Representative
from querela.intake.models import InboundMessage, OutboundEmail
from querela.minutes.models import Minutes
from querela.printing.models import StoredLetter
from querela.privacy.erase import ERASED
from querela.privacy.erasure import erasure_apply, erasure_plan, erasures_continue
from querela.privacy.export import subject_export_build, subject_export_request
from querela.privacy.models import ErasureRequest, ErasureState, ExportState
from querela.tenants.models import Membership
from tests.privacy.helpers import client_of, finish, make_old, rich_customer

pytestmark = pytest.mark.django_db


def _erase_through_the_page(w, capture=None, reason: str = "Letter of 3 March, identity checked") -> str:
    client = client_of(w, "tenant_admin")
    found = client.get(f"/t/{w.tenant.code}/privacy/erasure/", {"customer": w.customer.customer_number.lower()})
    assert found.status_code == 302
    preview = client.get(found["Location"])
    page = preview.content.decode()
    digest = preview.context["form"].initial["digest"]
    if capture is None:
        response = client.post(found["Location"], {"reason": reason, "digest": digest})
    else:
        with capture(execute=True):  # the files leave the storage once the erasure has committed
            response = client.post(found["Location"], {"reason": reason, "digest": digest})
    assert response.status_code == 302, response.content.decode()[:300]
    return page


def test_held_records_are_kept_with_their_day_and_the_rest_is_erased(world, django_capture_on_commit_callbacks):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
        Call.objects.filter(pk=person.call.pk).update(retain_until=clock.tenant_today(w.tenant) + timedelta(days=400))
        old_files = [a.file.path for a in Attachment.objects.filter(complaint=person.old)]
        old_letters = [x.file.path for x in StoredLetter.objects.filter(complaint=person.old)]
        raw_mail = InboundMessage.objects.get(complaint=person.by_mail).raw.path
        recent_before = Complaint.objects.filter(pk=person.recent.pk).values().get()
        held_day = erasure_plan(actor=w.actor("tenant_admin"), customer_id=w.customer.pk).held_until

    page = _erase_through_the_page(w, django_capture_on_commit_callbacks)

    # The preview listed what stays, and from when it may go.
    assert person.recent.reference in page and person.open.reference in page and person.call.recording_id in page
    assert "once it is answered or closed, then 5 years" in page
    assert held_day is not None and held_day.isoformat() in page
    with tenancy.tenant_scope(w.tenant):
        # Past their 5 years: anonymised, no longer linked to her, their files, letters, minutes and mail gone.
        for c in (person.old, person.by_mail, person.oral):
            c.refresh_from_db()
            assert c.subject == ERASED and c.description == "" and c.customer_id is None and c.place_id is None
            assert c.reference and c.received_at and c.category  # the statistics keep their facts
            assert not TimelineEntry.objects.filter(complaint=c, body__contains="Anna").exists()
            assert not OutboundEmail.objects.filter(complaint=c).exclude(to="").exists()
        assert not Attachment.objects.filter(complaint=person.old).exists()
        assert not StoredLetter.objects.filter(complaint=person.old).exists()
        assert not Minutes.objects.filter(complaint=person.oral).exists()
        assert not InboundMessage.objects.filter(complaint=person.by_mail).exists()
        # Kept: the recent and the open complaint as they were, the call, and her record.
        assert Complaint.objects.filter(pk=person.recent.pk).values().get() == recent_before
        assert Complaint.objects.get(pk=person.open.pk).customer_id == w.customer.pk
        assert Call.objects.get(pk=person.call.pk).customer_id == w.customer.pk
        customer = Customer.objects.get(pk=w.customer.pk)
        assert customer.name == "Kovács Anna AAA" and customer.email
        request = ErasureRequest.objects.get()
        assert request.state == ErasureState.PARTIAL and request.held_open and request.held_until == held_day
        assert request.summary["erased"]["complaints"] == 3
        event = AuditEvent.objects.get(action="privacy.erasure")
        assert event.object_id == w.customer.customer_number and event.changes["erased"]["complaints"] == 3
        assert AuditEvent.objects.filter(action="privacy.complaint_erase").count() == 3
    for path in (*old_files, *old_letters, raw_mail):
        assert not os.path.exists(path), path


def test_nothing_held_erases_the_whole_record_and_the_online_account(world):
    w = world.a
    User = get_user_model()
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Anna's bill",
            description="Too high",
            customer=w.customer,
            place=w.place,
        )
        finish(w, c)
        make_old(c, days=6 * 366)
        rep = Representative.objects.create(customer=w.customer, name="Proxy Péter")
        Invoice.objects.create(customer=w.customer, number="AAA-INV-9", issued_on="2026-01-05")
        other_before = Customer.objects.filter(pk=w.other_customer.pk).values().get()
        export = subject_export_request(actor=w.actor("tenant_admin"), customer_number=w.customer.customer_number)
        subject_export_build(export.pk)

    _erase_through_the_page(w)

    with tenancy.tenant_scope(w.tenant):
        customer = Customer.objects.get(pk=w.customer.pk)
        assert customer.name == ERASED and customer.customer_number == f"ERASED-{customer.pk}"
        assert customer.email == customer.phone == customer.mailing_address == "" and customer.user_id is None
        place = ConsumptionPlace.objects.get(pk=w.place.pk)
        assert place.address == ERASED and place.postal_code == "4024"  # the region stays for the statistics
        assert Meter.objects.get(place=place).serial.startswith("ERASED-")
        assert not Representative.objects.filter(pk=rep.pk).exists()
        assert not Invoice.objects.filter(customer=customer).exists()
        assert ErasureRequest.objects.get().state == ErasureState.DONE
        export.refresh_from_db()
        assert export.state == ExportState.EXPIRED and not export.file and export.subject == ""  # the ZIP went too
        assert not Membership.objects.filter(user=w.users["consumer"], is_active=True).exists()
        # The other customer, and the other supplier, are untouched.
        assert Customer.objects.filter(pk=w.other_customer.pk).values().get() == other_before
    consumer = User.objects.get(pk=w.users["consumer"].pk)
    assert (
        consumer.username == f"erased-{consumer.pk}" and not consumer.is_active and not consumer.has_usable_password()
    )
    with tenancy.tenant_scope(world.b.tenant):
        assert Customer.objects.get(pk=world.b.customer.pk).name == "Kovács Anna BBB"


def test_a_plan_that_changed_since_the_preview_is_refused(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="email", subject="Old", description="d", customer=w.customer
        )
        finish(w, c)
        make_old(c, days=6 * 366)
        digest = erasure_plan(actor=w.actor("tenant_admin"), customer_id=w.customer.pk).digest
        complaint_register(actor=w.actor("agent"), channel="email", subject="New one", customer=w.customer)
        with pytest.raises(ValidationFailed):
            erasure_apply(actor=w.actor("tenant_admin"), customer_id=w.customer.pk, reason="Letter", digest=digest)
        c.refresh_from_db()
        assert c.subject == "Old" and not ErasureRequest.objects.exists()


def test_the_audit_chain_is_not_rewritten_and_still_verifies(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="email", subject="Old", description="d", customer=w.customer
        )
        finish(w, c)
        make_old(c, days=6 * 366)
    client_of(w, "handler").get(f"/t/{w.tenant.code}/customers/{w.customer.pk}/")
    audit_seal_all()
    with tenancy.tenant_scope(w.tenant):
        before = list(AuditEvent.objects.order_by("id").values_list("id", "content_mac"))
    _erase_through_the_page(w)
    audit_seal_all()
    with tenancy.tenant_scope(w.tenant):
        assert (
            list(AuditEvent.objects.filter(id__lte=before[-1][0]).order_by("id").values_list("id", "content_mac"))
            == before
        )
    assert audit_verify(tenant=w.tenant).ok


def test_the_daily_job_finishes_a_request_once_its_kept_items_may_go(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="email", subject="A year ago", description="d", customer=w.customer
        )
        finish(w, c)
        make_old(c, days=365)
        plan = erasure_plan(actor=w.actor("tenant_admin"), customer_id=w.customer.pk)
        assert plan.held_until is not None and next(k.name for k in plan.kept) == c.reference
        erasure_apply(actor=w.actor("tenant_admin"), customer_id=w.customer.pk, reason="E-mail", digest=plan.digest)
        assert erasures_continue() == 0  # nothing may go yet
        assert erasures_continue(today=plan.held_until) == 1
        c.refresh_from_db()
        assert c.subject == ERASED
        assert Customer.objects.get(pk=w.customer.pk).name == ERASED
        assert ErasureRequest.objects.get().state == ErasureState.DONE


def test_a_handler_cannot_erase(world):
    w = world.a
    client = client_of(w, "handler")
    assert client.get(f"/t/{w.tenant.code}/privacy/erasure/{w.customer.pk}/").status_code == 403
    assert (
        client.post(f"/t/{w.tenant.code}/privacy/erasure/{w.customer.pk}/", {"reason": "x", "digest": "x"}).status_code
        == 403
    )
    # Another supplier's customer is not found, not previewed.
    admin = client_of(w, "tenant_admin")
    assert admin.get(f"/t/{w.tenant.code}/privacy/erasure/{world.b.customer.pk}/").status_code == 404
