"""A tenant administrator runs the supplier from the pages: settings, departments, staff, deadline policies."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from querela.audit.models import AuditEvent
from querela.complaints.models import DeadlinePolicy
from querela.core import tenancy
from querela.deadlines.policies import PRESETS
from querela.tenants.models import Department, Membership, Tenant
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _admin(world) -> Client:
    c = Client()
    assert c.login(username="aaa-tenant_admin", password=PASSWORD)
    return c


def _settings(**over) -> dict:
    data = {
        "default_language": "hu",
        "time_zone": "Europe/Budapest",
        "deadline_policy": "hu-utility",
        "reminder_working_days": "5",
        "max_attachment_mb": "5",
        "allowed_attachment_types": "application/pdf, image/jpeg",
        "closures": "2026-12-24\n2026-12-31",
        "extra_working_days": "",
    }
    return {**data, **over}


def test_settings_are_saved_and_audited(world) -> None:
    response = _admin(world).post("/t/AAA/admin/settings/", _settings(), follow=True)
    assert "Saved." in response.content.decode()
    t = Tenant.objects.get(code="AAA")
    assert (t.deadline_policy, t.reminder_working_days, t.max_attachment_bytes) == ("hu-utility", 5, 5 * 1024 * 1024)
    assert t.allowed_attachment_types == ["application/pdf", "image/jpeg"]
    assert t.closures == ["2026-12-24", "2026-12-31"]
    with tenancy.tenant_scope(t):
        assert AuditEvent.objects.filter(action="tenant.configure").exists()


def test_a_bad_date_is_refused_with_the_reason_and_nothing_changes(world) -> None:
    response = _admin(world).post("/t/AAA/admin/settings/", _settings(closures="24/12/2026"), follow=True)
    assert "24/12/2026" in response.content.decode() and "is not a date" in response.content.decode()
    assert Tenant.objects.get(code="AAA").closures == []


def test_staff_and_departments_are_managed_in_this_tenant_only(world) -> None:
    client = _admin(world)
    client.post("/t/AAA/admin/departments/", {"code": "metering", "name": "Metering"})
    with tenancy.tenant_scope(world.a.tenant):
        dept = Department.objects.get(code="metering")
    with tenancy.tenant_scope(world.b.tenant):
        other_dept = Department.objects.get(code="billing")
    # Another tenant's department can't be given.
    response = client.post(
        "/t/AAA/admin/staff/",
        {"username": "new-handler", "role": "handler", "department": other_dept.pk, "password": "long-enough-pw"},
        follow=True,
    )
    assert "Unknown department." in response.content.decode()
    assert not get_user_model().objects.filter(username="new-handler").exists()
    client.post(
        "/t/AAA/admin/staff/",
        {
            "username": "new-handler",
            "full_name": "Új Kezelő",
            "email": "uj@a.example",
            "role": "handler",
            "department": dept.pk,
            "password": "long-enough-pw",
        },
    )
    assert Client().login(username="new-handler", password="long-enough-pw")
    with tenancy.tenant_scope(world.a.tenant):
        m = Membership.objects.get(user__username="new-handler")
        assert (m.role, m.department_id) == ("handler", dept.pk)
    client.post(f"/t/AAA/admin/staff/{m.pk}/remove/")
    with tenancy.tenant_scope(world.a.tenant):
        m.refresh_from_db()
        assert not m.is_active
        assert AuditEvent.objects.filter(action="membership.deactivate", object_id="new-handler").exists()
    assert Client().get("/t/AAA/").status_code in (302, 404)  # anonymous: login first


def test_a_policy_is_copied_from_a_preset_edited_and_versioned(world) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from querela.complaints.deadline_policies import policy_preview
    from tests.factories import policy_fields

    client = _admin(world)
    page = client.get("/t/AAA/admin/policies/hu-electricity/").content.decode()
    assert 'name="answer_period" value="15"' in page and "JSON" not in page  # the preset, in a form
    definition = PRESETS["hu-electricity"].to_dict()
    url = "/t/AAA/admin/policies/hu-electricity/"
    # The due dates for a sample receipt, before anything is saved.
    preview = client.post(
        url, policy_fields(definition, answer_period=20, preview="1", sample_received="2026-12-04T10:00")
    )
    received = datetime(2026, 12, 4, 10, tzinfo=ZoneInfo("Europe/Budapest"))
    with tenancy.tenant_scope(world.a.tenant):
        expected = dict(
            policy_preview(
                world.a.tenant,
                {**definition, "steps": {"answer": {**definition["steps"]["answer"], "period": 20}}},
                received,
            )
        )
        assert DeadlinePolicy.objects.count() == 0
    assert expected["answer"].isoformat() in preview.content.decode()
    response = client.post(url, policy_fields(definition, answer_period=20), follow=True)
    assert "Saved hu-electricity, version 1." in response.content.decode()
    copy = client.post(
        url, policy_fields(definition, answer_period=20, save_as="our-own"), follow=True
    ).content.decode()
    assert "Saved our-own, version 1." in copy
    assert "our-own" in client.get("/t/AAA/admin/").content.decode()  # offered in the settings
    response = client.post(url, policy_fields(definition, roll="sideways"))
    assert "Select a valid choice" in response.content.decode()  # says which field is wrong
    response = client.post(url, policy_fields(definition, answer_period=""))
    assert "Give the number of days." in response.content.decode()


def test_other_roles_cannot_configure(world) -> None:
    c = Client()
    c.login(username="aaa-supervisor", password=PASSWORD)
    assert c.post("/t/AAA/admin/settings/", _settings()).status_code == 403
    assert c.get("/t/AAA/admin/policies/hu-electricity/").status_code == 403
    assert Tenant.objects.get(code="AAA").deadline_policy == "hu-electricity"


def test_an_existing_persons_e_mail_is_set_here_and_a_password_is_refused_not_dropped(world) -> None:
    """The unlock and new-password links go to the person's address: the administrator gives one to an
    account of this supplier alone, and is told — not silently ignored — what the form does not change."""
    client = _admin(world)
    User = get_user_model()
    User.objects.filter(username="aaa-agent").update(email="")
    response = client.post(
        "/t/AAA/admin/staff/", {"username": "aaa-agent", "role": "agent", "email": "agent@a.example"}, follow=True
    )
    assert response.status_code == 200
    assert User.objects.get(username="aaa-agent").email == "agent@a.example"
    refused = client.post(
        "/t/AAA/admin/staff/", {"username": "aaa-agent", "role": "agent", "password": "another-long-pw-2026"}
    )
    assert refused.status_code == 400 and "Forgot your password?" in refused.content.decode()
    assert not Client().login(username="aaa-agent", password="another-long-pw-2026")
