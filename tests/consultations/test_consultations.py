"""Consultations (issue 13): asked of a department or an outside party, answered or cancelled; each move on
the complaint's timeline (staff only) and in the audit log; overdue ones on the supervisor's home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import complaint_register
from querela.consultations.calendar import default_due
from querela.consultations.models import Consultation, ConsultationStatus
from querela.consultations.selectors import consultations_of, overdue_consultations
from querela.consultations.services import consultation_answer, consultation_ask, consultation_cancel
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.tenants.models import Membership
from tests.factories import PASSWORD, TenantWorld

pytestmark = pytest.mark.django_db


def _complaint(w: TenantWorld) -> Complaint:
    with tenancy.tenant_scope(w.tenant):
        return complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Meter",
            description="The meter runs fast",
            customer=w.customer,
            place=w.place,
        )


def _ask(w: TenantWorld, c: Complaint, **kw) -> Consultation:
    with tenancy.tenant_scope(w.tenant):
        return consultation_ask(
            actor=w.actor(kw.pop("role", "handler")),
            complaint_id=c.pk,
            question=kw.pop("question", "Please test the meter."),
            department_id=kw.pop("department_id", w.department.pk),
            **kw,
        )


def _client(w: TenantWorld, role: str) -> Client:
    client = Client()
    assert client.login(username=w.users[role].username, password=PASSWORD)
    return client


def _make_overdue(w: TenantWorld, k: Consultation) -> None:
    with tenancy.tenant_scope(w.tenant):
        Consultation.objects.filter(pk=k.pk).update(due_on=clock.tenant_today(w.tenant) - timedelta(days=1))


def test_ask_writes_the_timeline_and_the_audit_log_with_five_working_days_by_default(world):
    w = world.a
    c = _complaint(w)
    k = _ask(w, c)
    with tenancy.tenant_scope(w.tenant):
        assert k.status == ConsultationStatus.OPEN
        assert k.due_on == default_due(w.tenant, clock.tenant_today(w.tenant))
        entry = c.timeline.filter(data__event="consultation.ask").get()
        assert entry.entry_type == EntryType.NOTE and "Please test the meter." in entry.body
        event = AuditEvent.objects.filter(action="consultation.ask", object_id=str(k.pk)).get()
        assert event.changes["complaint"] == c.reference and event.changes["party"] == "Billing"


def test_an_outside_party_needs_a_name_and_a_valid_address(world):
    w = world.a
    c = _complaint(w)
    with pytest.raises(ValidationFailed):
        _ask(w, c, department_id=None, party_name="Lab Ltd", party_email="not-an-address")
    with pytest.raises(ValidationFailed):
        _ask(w, c, department_id=None)
    k = _ask(w, c, department_id=None, party_name="Meter Lab Ltd", party_email="lab@example.test")
    assert k.party == "Meter Lab Ltd"


def test_answer_through_the_page_shows_the_result_and_status(world):
    w = world.a
    c = _complaint(w)
    k = _ask(w, c)
    handler = _client(w, "handler")
    page = handler.get(f"/t/{w.tenant.code}/complaints/{c.reference}/").content.decode()
    assert "Please test the meter." in page and 'for="result-' in page
    response = handler.post(f"/t/{w.tenant.code}/consultations/{k.pk}/answer/", {"result": "Meter within tolerance"})
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        k.refresh_from_db()
        assert k.status == ConsultationStatus.ANSWERED and k.answered_at is not None
        assert AuditEvent.objects.filter(action="consultation.answer", object_id=str(k.pk)).exists()
        assert c.timeline.filter(data__event="consultation.answer").exists()
    page = handler.get(f"/t/{w.tenant.code}/complaints/{c.reference}/").content.decode()
    assert "Meter within tolerance" in page and "1 of 1 answered" in page


def test_ask_and_cancel_through_the_page_with_errors_shown(world):
    w = world.a
    c = _complaint(w)
    client = _client(w, "supervisor")
    url = f"/t/{w.tenant.code}/complaints/{c.reference}/consultations/"
    due = (clock.tenant_today(w.tenant) + timedelta(days=3)).isoformat()
    response = client.post(url, {"question": "Opinion?", "due_on": due}, follow=True)
    assert "Choose a department" in response.content.decode()  # neither department nor party
    client.post(url, {"question": "Opinion?", "due_on": due, "department": str(w.department.pk)})
    with tenancy.tenant_scope(w.tenant):
        k = Consultation.objects.get(complaint=c)
        assert k.due_on.isoformat() == due
    client.post(f"/t/{w.tenant.code}/consultations/{k.pk}/cancel/", {"reason": "Not needed"})
    with tenancy.tenant_scope(w.tenant):
        k.refresh_from_db()
        assert k.status == ConsultationStatus.CANCELLED
        assert AuditEvent.objects.filter(action="consultation.cancel", object_id=str(k.pk)).exists()
        with pytest.raises(ValidationFailed):
            consultation_answer(actor=w.actor("handler"), consultation_id=k.pk, result="late")


def test_the_consumer_does_not_see_consultations_on_their_complaint(world):
    w = world.a
    c = _complaint(w)
    _ask(w, c, question="Internal question about the meter")
    page = _client(w, "consumer").get(f"/t/{w.tenant.code}/complaints/{c.reference}/").content.decode()
    assert "Internal question about the meter" not in page


def test_overdue_consultations_are_listed_for_the_supervisor(world):
    w = world.a
    c = _complaint(w)
    late, on_time = _ask(w, c), _ask(w, c, question="Another")
    _make_overdue(w, late)
    with tenancy.tenant_scope(w.tenant):
        assert [k.pk for k in overdue_consultations()] == [late.pk]
        rows = {r.consultation.pk: r.overdue for r in consultations_of(c).rows}
        assert rows == {late.pk: True, on_time.pk: False}
    page = _client(w, "supervisor").get(f"/t/{w.tenant.code}/").content.decode()
    assert f"#consultation-{late.pk}" in page and f"#consultation-{on_time.pk}" not in page
    detail = _client(w, "handler").get(f"/t/{w.tenant.code}/complaints/{c.reference}/").content.decode()
    assert "Overdue" in detail


def test_agents_and_consumers_may_not_ask_and_only_the_department_asked_answers(world):
    w = world.a
    c = _complaint(w)
    for role in ("agent", "consumer", "clerk"):
        with pytest.raises(PermissionDenied):
            _ask(w, c, role=role)
    k = _ask(w, c)
    with tenancy.tenant_scope(w.tenant):
        with pytest.raises(PermissionDenied):  # the clerk is not in the department asked
            consultation_answer(actor=w.actor("clerk"), consultation_id=k.pk, result="x")
        with pytest.raises(PermissionDenied):
            consultation_answer(actor=w.actor("consumer"), consultation_id=k.pk, result="x")
        with pytest.raises(PermissionDenied):
            consultation_cancel(actor=w.actor("agent"), consultation_id=k.pk)
        Membership.objects.filter(user=w.users["clerk"]).update(department=w.department)
        consultation_answer(actor=w.actor("clerk"), consultation_id=k.pk, result="Checked on site")
    for role in ("agent", "consumer"):
        response = _client(w, role).post(
            f"/t/{w.tenant.code}/complaints/{c.reference}/consultations/",
            {"question": "q", "department": str(w.department.pk), "due_on": "2099-01-01"},
        )
        assert response.status_code in (403, 404)
    with tenancy.tenant_scope(w.tenant):
        assert Consultation.objects.filter(complaint=c).count() == 1


def test_another_tenants_consultation_is_not_found(world):
    a_complaint = _complaint(world.a)
    k = _ask(world.a, a_complaint)
    for role in ("handler", "supervisor"):
        client = _client(world.b, role)
        for action in ("answer", "cancel"):
            response = client.post(f"/t/BBB/consultations/{k.pk}/{action}/", {"result": "x", "reason": "x"})
            assert response.status_code == 404, (role, action)
    with tenancy.tenant_scope(world.a.tenant):
        k.refresh_from_db()
        assert k.status == ConsultationStatus.OPEN


def _statements(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_complaint_page_costs_the_same_with_one_or_five_consultations(world):
    w = world.a
    one, five = _complaint(w), _complaint(w)
    _ask(w, one)
    for i in range(5):
        k = _ask(w, five, question=f"Question {i}")
        if i % 2:
            with tenancy.tenant_scope(w.tenant):
                consultation_answer(actor=w.actor("handler"), consultation_id=k.pk, result=f"Result {i}")
    client = _client(w, "handler")
    assert _statements(client, f"/t/AAA/complaints/{one.reference}/") == _statements(
        client, f"/t/AAA/complaints/{five.reference}/"
    )


def test_the_worklist_flags_a_complaint_waiting_on_an_overdue_opinion(world):
    w = world.a
    late, timely = _complaint(w), _complaint(w)
    _make_overdue(w, _ask(w, late))
    _ask(w, timely)
    page = _client(w, "handler").get("/t/AAA/complaints/").content.decode()
    rows = {ref: page[page.index(f">{ref}</a>") :].split("</tr>")[0] for ref in (late.reference, timely.reference)}
    assert "opinion overdue" in rows[late.reference]
    assert "opinion overdue" not in rows[timely.reference]
