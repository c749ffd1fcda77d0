"""Four eyes on extensions (issue 13): where the supplier wants it, a handler's extension is a request; another
supervisor approves it (the notice goes out, the due date moves) or refuses it with a reason; nobody approves
their own; the deadline still rules. With the setting off, an extension is made at once, as before."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from querela.audit.models import AuditEvent
from querela.complaints.deadline_actions import complaint_extend
from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.supervision.models import ExtensionRequest, RequestState
from querela.supervision.services import (
    extension_request_approve,
    extension_request_create,
    extension_request_refuse,
)
from querela.tenants.access import Actor
from querela.tenants.models import Membership, Tenant
from querela.web.views.staff.supervision import extension_request_card
from tests.factories import PASSWORD, TenantWorld

from .helpers import client_for, complaint

pytestmark = pytest.mark.django_db
BUDAPEST = ZoneInfo("Europe/Budapest")
NOTICE = "We need a measurement at your meter."
EXTEND = {"action": "extend", "days": "10", "reason": "technical_investigation", "text": NOTICE}


@pytest.fixture
def frozen(monkeypatch):
    state = {"now": datetime(2026, 5, 4, 14, 0, tzinfo=BUDAPEST)}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def _four_eyes(w: TenantWorld, on: bool = True) -> None:
    Tenant.objects.filter(pk=w.tenant.pk).update(extension_needs_approval=on)
    w.tenant.refresh_from_db()


def _second_supervisor(w: TenantWorld) -> Actor:
    user = get_user_model().objects.create_user("aaa-supervisor-2", "", PASSWORD)
    with tenancy.tenant_scope(w.tenant):
        m = Membership.objects.create(user=user, role="supervisor")
    return Actor(user=user, tenant=w.tenant, role="supervisor", membership_id=m.pk)


def _extend_on_the_page(w: TenantWorld, c: Complaint, role: str = "handler") -> str:
    response = client_for(w, role).post(f"/t/{w.tenant.code}/complaints/{c.reference}/deadline/", EXTEND, follow=True)
    return response.content.decode()


def _notices(w: TenantWorld, c: Complaint) -> int:
    with tenancy.tenant_scope(w.tenant):
        return c.timeline.filter(entry_type="outbound", data__purpose="extend").count()


def _due(w: TenantWorld, c: Complaint) -> date | None:
    with tenancy.tenant_scope(w.tenant):
        return Complaint.objects.get(pk=c.pk).answer_due


def test_with_the_setting_off_the_extension_is_made_at_once_as_before(world):
    w = world.a
    c = complaint(w, days_ago=2, status="investigating")
    before = _due(w, c)
    page = _extend_on_the_page(w, c)
    assert "Done." in page
    assert (_due(w, c) - before).days == 10
    assert _notices(w, c) == 1
    with tenancy.tenant_scope(w.tenant):
        assert not ExtensionRequest.objects.exists()


def test_request_then_approval_sends_the_notice_and_moves_the_due_date(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    before = _due(w, c)
    page = _extend_on_the_page(w, c)
    assert "a supervisor approves it" in page
    assert _due(w, c) == before and _notices(w, c) == 0  # nothing sent yet
    with tenancy.tenant_scope(w.tenant):
        request = ExtensionRequest.objects.get()
        assert (request.state, request.days, request.requested_by_id) == ("pending", 10, w.users["handler"].pk)
        assert request.notice_text == NOTICE
        assert c.timeline.filter(data__event="extension.request").exists()
        assert AuditEvent.objects.filter(action="extension.request", object_id=c.reference).exists()
    supervisor = client_for(w, "supervisor")
    dashboard = supervisor.get(f"/t/{w.tenant.code}/supervision/").content.decode()
    assert c.reference in dashboard and f"extension-request-{request.pk}" in dashboard
    response = supervisor.post(
        f"/t/{w.tenant.code}/supervision/extensions/{request.pk}/approve/", {"note": "Agreed."}, follow=True
    )
    assert "the notice went out" in response.content.decode()
    assert (_due(w, c) - before).days == 10
    assert _notices(w, c) == 1
    with tenancy.tenant_scope(w.tenant):
        request.refresh_from_db()
        assert request.state == RequestState.APPROVED and request.decided_by_id == w.users["supervisor"].pk
        assert request.decision_note == "Agreed." and request.decided_at is not None
        notice = c.timeline.get(entry_type="outbound", data__purpose="extend")
        assert NOTICE in notice.body and notice.channel == c.reply_channel
        assert AuditEvent.objects.filter(action="extension.approve", object_id=c.reference).exists()
        assert AuditEvent.objects.filter(action="complaint.extend", object_id=c.reference).exists()
    # Decided once: a second approval is refused.
    with tenancy.tenant_scope(w.tenant), pytest.raises(ValidationFailed):
        extension_request_approve(actor=_second_supervisor(w), request_id=request.pk)


def test_nobody_approves_their_own_request(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    before = _due(w, c)
    with tenancy.tenant_scope(w.tenant):
        request = extension_request_create(
            actor=w.actor("supervisor"), complaint_id=c.pk, days=5, reason="outside_opinion", text=NOTICE
        )
        with pytest.raises(PermissionDenied) as refused:
            extension_request_approve(actor=w.actor("supervisor"), request_id=request.pk)
        assert refused.value.code == "own_request"
    page = client_for(w, "supervisor").post(
        f"/t/{w.tenant.code}/supervision/extensions/{request.pk}/approve/", {"back": "case"}, follow=True
    )
    assert "another supervisor must approve it" in page.content.decode()
    with tenancy.tenant_scope(w.tenant):
        request.refresh_from_db()
        assert request.state == RequestState.PENDING and _due(w, c) == before
        extension_request_approve(actor=_second_supervisor(w), request_id=request.pk)
    assert (_due(w, c) - before).days == 5


def test_refused_with_a_reason_the_requester_reads_on_the_case(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    before = _due(w, c)
    with tenancy.tenant_scope(w.tenant):
        request = extension_request_create(
            actor=w.actor("handler"), complaint_id=c.pk, days=5, reason="outside_opinion", text=NOTICE
        )
        with pytest.raises(ValidationFailed):
            extension_request_refuse(actor=w.actor("supervisor"), request_id=request.pk, note="  ")
    client_for(w, "supervisor").post(
        f"/t/{w.tenant.code}/supervision/extensions/{request.pk}/refuse/", {"note": "Answer with what you have."}
    )
    with tenancy.tenant_scope(w.tenant):
        request.refresh_from_db()
        assert request.state == RequestState.REFUSED and request.decision_note == "Answer with what you have."
        assert c.timeline.filter(data__event="extension.refuse", body__contains="Answer with what you have.").exists()
        assert AuditEvent.objects.filter(action="extension.refuse", object_id=c.reference).exists()
        card = extension_request_card(w.actor("handler"), Complaint.objects.get(pk=c.pk))
    assert _due(w, c) == before and _notices(w, c) == 0
    html = render_to_string("staff/_extension_request.html", {**card, "c": c, "tenant": w.tenant})
    assert "Refused by" in html and "Answer with what you have." in html and "<form" not in html


def test_the_case_file_card_offers_the_decision_to_another_supervisor_only(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    with tenancy.tenant_scope(w.tenant):
        extension_request_create(
            actor=w.actor("handler"), complaint_id=c.pk, days=5, reason="outside_opinion", text=NOTICE
        )
        fresh = Complaint.objects.get(pk=c.pk)
        cards = {role: extension_request_card(w.actor(role), fresh) for role in ("supervisor", "handler", "agent")}
    for role, card in cards.items():
        html = render_to_string("staff/_extension_request.html", {**card, "c": fresh, "tenant": w.tenant})
        assert ("/approve/" in html) is (role == "supervisor"), role
        assert "Extension waiting for approval" in html, role  # every staff member sees that one is waiting
    handler_html = render_to_string(
        "staff/_extension_request.html", {**cards["handler"], "c": fresh, "tenant": w.tenant}
    )
    assert "Your request: another supervisor decides" in handler_html
    assert 'for="case-refuse-note"' in render_to_string(
        "staff/_extension_request.html", {**cards["supervisor"], "c": fresh, "tenant": w.tenant}
    )


def test_a_request_still_pending_when_the_deadline_passes_cannot_be_approved(world, frozen):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=0, status="investigating")
    assert _due(w, c) == date(2026, 5, 19)
    frozen["now"] = datetime(2026, 5, 15, 9, tzinfo=BUDAPEST)
    with tenancy.tenant_scope(w.tenant):
        request = extension_request_create(
            actor=w.actor("handler"), complaint_id=c.pk, days=10, reason="technical_investigation", text=NOTICE
        )
    frozen["now"] = datetime(2026, 5, 20, 9, tzinfo=BUDAPEST)
    with tenancy.tenant_scope(w.tenant), pytest.raises(ValidationFailed) as late:
        extension_request_approve(actor=w.actor("supervisor"), request_id=request.pk)
    assert late.value.code == "too_late" and "2026-05-19" in late.value.message
    page = client_for(w, "supervisor").post(
        f"/t/{w.tenant.code}/supervision/extensions/{request.pk}/approve/", {}, follow=True
    )
    assert "Too late to approve" in page.content.decode()
    dashboard = client_for(w, "supervisor").get(f"/t/{w.tenant.code}/supervision/").content.decode()
    assert "Too late: the deadline has passed" in dashboard
    with tenancy.tenant_scope(w.tenant):
        request.refresh_from_db()
        assert request.state == RequestState.PENDING and _due(w, c) == date(2026, 5, 19) and _notices(w, c) == 0
        extension_request_refuse(actor=w.actor("supervisor"), request_id=request.pk, note="Too late; answer now.")


def test_with_four_eyes_on_no_extension_bypasses_the_request(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    with tenancy.tenant_scope(w.tenant), pytest.raises(ValidationFailed) as refused:
        complaint_extend(actor=w.actor("supervisor"), complaint_id=c.pk, days=5, reason="outside_opinion", text="x")
    assert refused.value.code == "approval_required"
    api = client_for(w, "handler").post(
        f"/api/v1/t/{w.tenant.code}/complaints/{c.reference}/deadlines/",
        {"action": "extend", "days": 5, "reason": "outside_opinion", "text": "x"},
        content_type="application/json",
    )
    assert api.status_code == 202 and _notices(w, c) == 0  # a request, not an extension


def test_a_request_is_checked_against_the_policy_and_one_waits_at_a_time(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    with tenancy.tenant_scope(w.tenant):
        ask = {"actor": w.actor("handler"), "complaint_id": c.pk, "reason": "technical_investigation", "text": NOTICE}
        with pytest.raises(ValidationFailed) as too_long:
            extension_request_create(days=20, **ask)
        assert too_long.value.code == "extension_too_long"
        with pytest.raises(ValidationFailed):
            extension_request_create(days=5, **{**ask, "reason": "other"})  # not a reason hu-electricity takes
        extension_request_create(days=5, **ask)
        with pytest.raises(ValidationFailed) as twice:
            extension_request_create(days=5, **ask)
        assert twice.value.code == "pending"


def test_only_supervisors_decide_and_only_in_their_tenant(world):
    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    with tenancy.tenant_scope(w.tenant):
        request = extension_request_create(
            actor=w.actor("handler"), complaint_id=c.pk, days=5, reason="outside_opinion", text=NOTICE
        )
    for role in ("handler", "agent", "tenant_admin"):
        response = client_for(w, role).post(f"/t/{w.tenant.code}/supervision/extensions/{request.pk}/approve/")
        assert response.status_code == 403, role
    other = client_for(world.b, "supervisor")
    assert other.post(f"/t/{w.tenant.code}/supervision/extensions/{request.pk}/approve/").status_code == 404
    assert other.post(f"/t/{world.b.tenant.code}/supervision/extensions/{request.pk}/approve/").status_code == 404
    with tenancy.tenant_scope(w.tenant):
        request.refresh_from_db()
        assert request.state == RequestState.PENDING


def test_the_setting_is_edited_with_the_tenant_settings(world):
    w = world.a
    response = client_for(w, "tenant_admin").post(
        f"/t/{w.tenant.code}/admin/settings/",
        {
            "default_language": "en",
            "time_zone": "Europe/Budapest",
            "deadline_policy": "hu-electricity",
            "reminder_working_days": "3",
            "max_attachment_mb": "20",
            "extension_needs_approval": "on",
        },
    )
    assert response.status_code == 302
    assert Tenant.objects.get(pk=w.tenant.pk).extension_needs_approval is True
    page = client_for(w, "tenant_admin").get(f"/t/{w.tenant.code}/admin/").content.decode()
    assert 'name="extension_needs_approval"' in page and "checked" in page
    with tenancy.tenant_scope(w.tenant):
        event = AuditEvent.objects.filter(action="tenant.configure").latest("pk")
    assert event.changes["extension_needs_approval"] == [False, True]


def test_the_audit_log_words_each_decision(world):
    from django.utils import translation

    from querela.audit.vocabulary import names_for
    from querela.audit.wording import describe

    w = world.a
    _four_eyes(w)
    c = complaint(w, days_ago=2, status="investigating")
    before = _due(w, c)
    with tenancy.tenant_scope(w.tenant):
        request = extension_request_create(
            actor=w.actor("handler"), complaint_id=c.pk, days=5, reason="outside_opinion", text=NOTICE
        )
        after = extension_request_approve(actor=w.actor("supervisor"), request_id=request.pk)
        events = list(AuditEvent.objects.filter(action__startswith="extension.").order_by("pk"))
        names = names_for(events)
        with translation.override("en"):
            lines = [describe(e, names) for e in events]
    assert lines[0].text == f"Complaint {c.reference}: an extension of the answer deadline by 5 days requested"
    dates = f"{before.isoformat()} → {after.isoformat()}"
    assert lines[1].text == f"Complaint {c.reference}: the requested extension by 5 days approved, {dates}"
    assert ("Reason", "Outside opinion") in lines[0].details


def test_over_the_api_a_four_eyes_extension_becomes_a_request(world):
    from tests.api.test_api import _token_client

    w = world.a
    c = complaint(w, days_ago=2, status="investigating")
    _four_eyes(w)
    before = _due(w, c)
    api = _token_client(w.users["handler"])
    r = api.post(
        f"/api/v1/t/AAA/complaints/{c.reference}/deadlines/",
        {**EXTEND, "days": 10},
        content_type="application/json",
    )
    assert r.status_code == 202 and r.json()["state"] == "pending"
    assert _due(w, c) == before and _notices(w, c) == 0  # nothing moves until a supervisor approves
    with tenancy.tenant_scope(w.tenant):
        assert ExtensionRequest.objects.get(pk=r.json()["extension_request"]).complaint_id == c.pk
