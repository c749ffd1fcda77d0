"""The dry run: where last month's complaints would go under a rule set (saved, or being edited), where they
are now, by which rule; counted per department, with how many would move; nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from querela.complaints.models import Complaint
from querela.core import clock
from querela.routing.selectors import dry_run, last_month, saved_rules
from querela.routing.services import rules_preview
from tests.routing.helpers import department, register, rule

pytestmark = pytest.mark.django_db


def _last_months_complaints(w, categories):
    since, _until = last_month(w.tenant)
    return [register(w, cat, received_at=since + timedelta(hours=n + 1)) for n, cat in enumerate(categories)]


def test_last_month_is_the_calendar_month_before_this_one_in_the_tenants_zone(in_a):
    since, until = last_month(in_a.tenant)
    today = clock.tenant_today(in_a.tenant)
    assert until.date() == today.replace(day=1) and since.day == 1 and since < until
    assert (until - since).days in (28, 29, 30, 31)
    assert str(since.tzinfo) == in_a.tenant.time_zone


def test_the_dry_run_says_where_each_complaint_would_go_and_changes_nothing(in_a):
    metering = department("metering", "Mérés")
    complaints = _last_months_complaints(in_a, ["billing", "metering", "metering", "other"])
    register(in_a, "metering")  # this month: not read
    rule(in_a, in_a.department, name="Billing", category="billing")
    rule(in_a, metering, name="Metering", category="metering", region="Hajdú-Bihar")
    before = list(Complaint.objects.order_by("pk").values_list("pk", "department_id", "assignee_id", "updated_at"))
    run = dry_run(saved_rules())
    assert run.evaluated == 4 and not run.capped
    assert [r.reference for r in run.rows] == [c.reference for c in complaints]
    billing, meter_1, _meter_2, other = run.rows
    assert (billing.current, billing.target, billing.rule, billing.moves) == ("", "Billing", "Billing", True)
    assert meter_1.target == "Mérés" and meter_1.rule == "Metering" and "Hajdú-Bihar" in meter_1.reason
    assert (other.target, other.rule, other.moves) == ("", "", False)
    assert run.per_department == [("Mérés", 2), ("Billing", 1)]
    assert run.moving == 3 and run.unmatched == 1
    assert list(Complaint.objects.order_by("pk").values_list("pk", "department_id", "assignee_id", "updated_at")) == (
        before
    )


def test_a_complaint_already_where_the_rules_send_it_does_not_move(in_a):
    (c,) = _last_months_complaints(in_a, ["billing"])
    Complaint.objects.filter(pk=c.pk).update(department=in_a.department)
    rule(in_a, in_a.department, name="Billing", category="billing")
    run = dry_run(saved_rules())
    assert run.moving == 0 and run.rows[0].current == "Billing" and not run.rows[0].moves
    assert dry_run(saved_rules(), only_moving=True).rows == []


def test_an_edited_rule_is_tried_before_it_is_saved(in_a):
    metering = department("metering", "Mérés")
    _last_months_complaints(in_a, ["billing", "metering"])
    r = rule(in_a, in_a.department, name="Billing", category="billing")
    edited = rules_preview(
        actor=in_a.actor("tenant_admin"),
        rule_id=r.pk,
        values={"name": "Billing to metering", "category": "billing", "department_id": metering.pk},
    )
    run = dry_run(edited)
    assert run.per_department == [("Mérés", 1)] and run.rows[0].rule == "Billing to metering"
    new = rules_preview(
        actor=in_a.actor("tenant_admin"), rule_id=None, values={"name": "Catch-all", "department_id": metering.pk}
    )
    assert [x.name for x in new] == ["Billing", "Catch-all"]
    assert dry_run(new).per_department == [("Billing", 1), ("Mérés", 1)]
    r.refresh_from_db()
    assert r.name == "Billing" and r.department_id == in_a.department.pk  # nothing saved


def test_the_dry_run_stops_at_its_cap_and_says_so(in_a):
    _last_months_complaints(in_a, ["billing"] * 3)
    run = dry_run(saved_rules(), cap=2, shown=1)
    assert run.evaluated == 2 and run.capped and len(run.rows) == 1 and run.more_rows == 1
