"""The matrix on its pages: the administrator's table (each change audited, a cell set back to the default),
the case file's details form (what the person may not change shown read-only with the reason; a forged
change refused on the same form), and the API's PATCH (403 with the reason)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.core import tenancy
from querela.edit_rules.models import FieldRule
from tests.api.test_api import _token_client
from tests.factories import PASSWORD, TenantWorld
from tests.orgchart.helpers import make_job

pytestmark = pytest.mark.django_db


def _client(w: TenantWorld, role: str = "tenant_admin") -> Client:
    client = Client()
    assert client.login(username=w.users[role].username, password=PASSWORD)
    return client


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _complaint(w: TenantWorld, *, assignee: str | None = None) -> Complaint:
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Bill too high",
            description="I was billed twice for March.",
            customer=w.customer,
            place=w.place,
        )
        if assignee:
            Complaint.objects.filter(pk=c.pk).update(assignee=w.users[assignee])
        c.refresh_from_db()
    return c


def test_the_administrator_sees_the_matrix_with_the_originals_locked(world):
    admin = _client(world.a)
    assert "/t/AAA/edit-rules/" in admin.get("/t/AAA/admin/").content.decode()  # linked from the admin page
    page = admin.get("/t/AAA/edit-rules/")
    assert page.status_code == 200
    text = _text(page)
    for heading in ("Complaint", "Customer", "Consumption place", "Meter", "Message"):
        assert '<h2 id="rules-' in page.content.decode() and heading in text
    assert "Call-center agent" in text and "Complaint handler" in text and "Supervisor" in text
    assert "Until assigned, then the assignee" in text  # the handler's default for the classification
    assert "Description: the customer's own words" in text and "Nobody: kept as received" in text
    assert "The customer's own words as received cannot be changed: add a note instead." in text
    assert "None: every cell is the platform's default." in text


def test_saving_a_cell_is_audited_and_it_can_go_back_to_the_default(world):
    w = world.a
    admin = _client(w)
    form = {
        "object": "complaint",
        "complaint-field": "category",
        "complaint-who": "role:agent",
        "complaint-when": "own",
    }
    refused = admin.post("/t/AAA/edit-rules/", form)  # no reason
    assert refused.status_code == 400 and 'value="own" selected' in refused.content.decode()
    done = admin.post("/t/AAA/edit-rules/", {**form, "complaint-reason": "Agents call back on their own cases."})
    assert done.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        rule = FieldRule.objects.get()
        event = AuditEvent.objects.get(action="edit_rules.set")
    assert (rule.object_type, rule.field, rule.role, rule.when) == ("complaint", "category", "agent", "own")
    assert event.object_id == "complaint.category"
    assert event.changes == {
        "role": "agent",
        "when": ["before_assignment", "own"],
        "reason": "Agents call back on their own cases.",
    }
    page = _text(admin.get("/t/AAA/edit-rules/"))
    assert "Agents call back on their own cases." in page and "(default: until assigned)" in page
    log = _text(admin.get("/t/AAA/audit/"))
    assert "Who may change what: edit rule Complaint: category changed" in log
    assert admin.post(f"/t/AAA/edit-rules/{rule.pk}/reset/", {"reason": ""}).status_code == 302
    with tenancy.tenant_scope(w.tenant):
        assert FieldRule.objects.exists()  # a reset needs its reason too
    admin.post(f"/t/AAA/edit-rules/{rule.pk}/reset/", {"reason": "Back to the usual."})
    with tenancy.tenant_scope(w.tenant):
        assert not FieldRule.objects.exists()
        reset = AuditEvent.objects.get(action="edit_rules.reset")
    assert reset.changes == {"role": "agent", "when": ["own", "before_assignment"], "reason": "Back to the usual."}


def test_a_job_row_is_added_from_the_page(world):
    w = world.a
    job = make_job(w)
    admin = _client(w)
    page = admin.get("/t/AAA/edit-rules/?object=customer&field=email&who=role:clerk")
    assert 'value="email" selected' in page.content.decode()
    admin.post(
        "/t/AAA/edit-rules/",
        {
            "object": "customer",
            "customer-field": "email",
            "customer-who": f"job:{job.pk}",
            "customer-when": "always",
            "customer-reason": "Billing specialists fix addresses.",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        rule = FieldRule.objects.get()
    assert rule.job_id == job.pk and rule.role == ""
    assert "Jobs allowed beyond their role" in _text(admin.get("/t/AAA/edit-rules/"))


@pytest.mark.parametrize("role", ["agent", "clerk", "handler", "supervisor"])
def test_staff_may_not_open_the_matrix(world, role):
    client = _client(world.a, role)
    assert client.get("/t/AAA/edit-rules/").status_code == 403
    assert client.post("/t/AAA/edit-rules/", {"object": "complaint"}).status_code == 403


def test_the_details_form_shows_what_the_person_may_not_change_and_why(world):
    w = world.a
    c = _complaint(w, assignee="handler")
    handler = html.unescape(
        _client(w, "handler").get(f"/t/AAA/complaints/{c.reference}/forms/classify/").content.decode()
    )
    assert "disabled" not in handler  # the assignee may change everything
    assert "The customer's own words, as received" in handler and "I was billed twice for March." in handler
    sup_form = _client(w, "supervisor").get(f"/t/AAA/complaints/{c.reference}/forms/classify/").content.decode()
    assert "disabled" not in sup_form
    agent = _client(w, "agent").get(f"/t/AAA/complaints/{c.reference}/forms/classify/").content.decode()
    category = re.search(r"<select[^>]*name=\"category\"[^>]*>", agent).group(0)
    assert "disabled" in category and 'aria-describedby="classify_category_helptext"' in category
    assert 'id="classify_category_helptext"' in agent
    assert "A call-center agent may change the category only until the complaint is assigned" in agent
    # Everything is locked for the agent now: no reason asked, no button that could only be refused.
    assert "You may change none of these details now" in html.unescape(agent)
    assert 'name="reason"' not in agent and '<button type="submit">' not in agent.split('action="/t/AAA/complaints/')[1]
    assert '<button type="submit">' in handler and 'name="reason"' in handler


def test_a_forged_change_of_a_locked_field_is_refused_on_the_form(world):
    w = world.a
    c = _complaint(w, assignee="handler")
    agent = _client(w, "agent")
    url = f"/t/AAA/complaints/{c.reference}/classify/"
    refused = agent.post(url, {"kind": "complaint", "category": "billing", "reply_channel": "email", "reason": "x"})
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "A call-center agent may change the category only until the complaint is assigned" in page
    assert '<option value="billing" selected>' in page  # the input is kept
    words = agent.post(url, {"description": "Something else entirely.", "reason": "A typo."})
    assert words.status_code == 403
    assert "The customer's own words as received cannot be changed" in html.unescape(words.content.decode())
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
    assert c.category == "other" and c.description == "I was billed twice for March."


def test_the_details_form_needs_a_reason_and_keeps_what_was_locked(world):
    w = world.a
    c = _complaint(w)
    clerk = _client(w, "clerk")
    url = f"/t/AAA/complaints/{c.reference}/classify/"
    missing = clerk.post(url, {"kind": "complaint", "category": "billing", "reply_channel": "email"})
    assert missing.status_code == 400 and "Say why" in missing.content.decode()
    # Only what the form posts changes: a locked (not posted) field keeps its value.
    done = clerk.post(url, {"category": "billing", "reason": "About the bill."})
    assert done.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
    assert (c.category, c.kind, c.reply_channel) == ("billing", "complaint", "email")


def test_the_api_patch_applies_the_same_matrix(world):
    w = world.a
    c = _complaint(w, assignee="handler")
    url = f"/api/v1/t/AAA/complaints/{c.reference}/"
    agent = _token_client(w.users["agent"])
    r = agent.patch(url, {"category": "billing", "reason": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "change_refused"
    assert "only until the complaint is assigned" in r.json()["detail"]
    r = agent.patch(url, {"description": "Changed.", "reason": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "original"
    assert r.json()["detail"] == "The customer's own words as received cannot be changed: add a note instead."
    r = agent.patch(url, {"nonsense": "x"}, content_type="application/json")
    assert r.status_code == 400
    handler = _token_client(w.users["handler"])
    r = handler.patch(url, {"category": "billing"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    r = handler.patch(
        url,
        {"category": "billing", "contact_phone": "+36 1 777", "reason": "On the phone."},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["category"] == "billing"
    consumer = Client()
    assert consumer.login(username=w.users["consumer"].username, password=PASSWORD)
    assert (
        consumer.patch(url, {"category": "metering", "reason": "x"}, content_type="application/json").status_code == 403
    )
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        event = AuditEvent.objects.get(action="complaint.update", object_id=c.reference)
    assert c.category == "billing" and c.contact_phone == "+36 1 777"
    assert event.changes["reason"] == "On the phone." and event.changes["category"] == ["other", "billing"]
