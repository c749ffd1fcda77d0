"""Routing rules at work: a registration goes to the department of the first rule that holds, with the reason
on the timeline and in the audit log; a reclassification re-routes; a handler pool hands registered complaints
out in turn or to the least loaded; an empty pool, no matching rule and another supplier's rules leave the
complaint as it is."""

from __future__ import annotations

import pytest
from django.utils import translation

from querela.audit.models import AuditEvent
from querela.audit.vocabulary import names_for
from querela.audit.wording import describe
from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import complaint_reclassify, complaint_register, complaint_register_on_spot
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import Status
from querela.core import tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.routing.models import RoutingRule
from querela.routing.services import rule_switch, rule_update
from tests.routing.helpers import department, handler, register, rule

pytestmark = pytest.mark.django_db


def _routing_entries(c: Complaint) -> list[str]:
    return list(c.timeline.filter(entry_type=EntryType.SYSTEM, data__has_key="routing").values_list("body", flat=True))


def test_a_registration_goes_to_the_department_of_the_first_rule_that_holds(in_a):
    metering = department("metering", "Mérés")
    rule(in_a, metering, name="Water first", service_type="water")
    rule(in_a, metering, name="Debrecen billing", category="billing", region="hajdu-bihar")
    rule(in_a, in_a.department, name="Every other billing", category="billing")
    with translation.override("en"):
        c = register(in_a, "billing")
    assert c.department_id == metering.pk and c.status == Status.REGISTERED and c.assignee_id is None
    assert Complaint.objects.get(pk=c.pk).department_id == metering.pk
    assert _routing_entries(c) == [
        "Routed to Mérés by the rule “Debrecen billing” (category Billing, county/region hajdu-bihar)."
    ]
    event = AuditEvent.objects.get(action="complaint.route")
    assert event.object_id == c.reference and event.actor_role == "system"
    assert event.changes["department"] == [None, metering.pk] and event.changes["rule"] == "Debrecen billing"
    with translation.override("en"):
        line = describe(event, names_for([event]))
    assert line.text == f"Complaint {c.reference} routed to Mérés by the rule Debrecen billing"


def test_no_matching_rule_leaves_the_complaint_as_it_is(in_a):
    rule(in_a, department("metering"), category="metering")
    c = register(in_a, "billing")
    assert c.department_id is None
    assert not _routing_entries(c)
    assert not AuditEvent.objects.filter(action="complaint.route").exists()


def test_a_switched_off_rule_is_skipped_and_an_edit_applies_to_the_next_registration(in_a):
    metering = department("metering")
    r = rule(in_a, metering, category="billing")
    assert register(in_a).department_id == metering.pk  # the rule set is read (and cached) here
    rule_switch(actor=in_a.actor("tenant_admin"), rule_id=r.pk, on=False)
    assert register(in_a).department_id is None
    rule_switch(actor=in_a.actor("tenant_admin"), rule_id=r.pk, on=True)
    rule_update(actor=in_a.actor("tenant_admin"), rule_id=r.pk, values={"department_id": in_a.department.pk})
    assert register(in_a).department_id == in_a.department.pk


def test_reclassification_re_routes_with_its_reason_and_the_reclassification_rules_hold(in_a):
    metering = department("metering", "Mérés")
    rule(in_a, in_a.department, name="Billing", category="billing")
    rule(in_a, metering, name="Metering", category="metering")
    c = register(in_a, "billing")
    assert c.department_id == in_a.department.pk
    with pytest.raises(ValidationFailed) as no_reason:
        complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason=" ", category="metering")
    assert no_reason.value.code == "reason_required"
    with translation.override("en"):
        complaint_reclassify(
            actor=in_a.actor("clerk"), complaint_id=c.pk, reason="A mérőről szól.", category="metering"
        )
    c.refresh_from_db()
    assert c.department_id == metering.pk and c.category == "metering"
    assert c.timeline.filter(entry_type=EntryType.SYSTEM, body="A mérőről szól.").exists()  # the person's reason
    assert _routing_entries(c)[-1] == "Re-routed to Mérés by the rule “Metering” (category Metering)."
    event = AuditEvent.objects.filter(action="complaint.route").latest("pk")
    assert event.changes["department"] == [in_a.department.pk, metering.pk]
    # Someone else's investigation is still theirs (or a supervisor's) to reclassify.
    complaint_transition(
        actor=in_a.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=in_a.users["handler"].pk
    )
    complaint_transition(actor=in_a.actor("handler"), complaint_id=c.pk, action="start_investigation")
    with pytest.raises(PermissionDenied):
        complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason="Mégis számla.", category="billing")
    complaint_reclassify(actor=in_a.actor("supervisor"), complaint_id=c.pk, reason="Mégis számla.", category="billing")
    c.refresh_from_db()
    # No pool on the billing rule: the handler keeps it, the department follows the rule.
    assert c.department_id == in_a.department.pk and c.assignee_id == in_a.users["handler"].pk


def test_round_robin_hands_registered_complaints_out_in_turn(in_a, django_capture_on_commit_callbacks):
    metering = department("metering")
    first, second = handler(in_a, "mira", metering), handler(in_a, "mate", metering)
    handler(in_a, "gone", metering).memberships.update(is_active=False)  # a removed handler gets nothing
    rule(in_a, metering, name="Metering pool", category="metering", pool="round_robin")
    got = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            c = register(in_a, "metering")
        c.refresh_from_db()
        assert c.status == Status.ASSIGNED and c.department_id == metering.pk
        got.append(c.assignee_id)
    assert got == [first.pk, second.pk, first.pk, second.pk]
    entries = _routing_entries(c)
    assert len(entries) == 2 and "Mate" in entries[1]  # routed, then handed over
    assert c.timeline.filter(entry_type=EntryType.STATUS, data__transition="assign").exists()
    assert AuditEvent.objects.filter(object_id=c.reference, action="complaint.assign", actor_role="system").exists()


def test_least_loaded_picks_the_handler_with_the_fewest_open_complaints(in_a, django_capture_on_commit_callbacks):
    metering = department("metering")
    busy, half, idle = (handler(in_a, n, metering) for n in ("busy", "half", "idle"))
    for person, n in ((busy, 2), (half, 1)):
        for _ in range(n):
            c = register(in_a, "billing")
            complaint_transition(
                actor=in_a.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=person.pk
            )
    rule(in_a, metering, category="metering", pool="least_loaded")
    with django_capture_on_commit_callbacks(execute=True):
        c = register(in_a, "metering")
    assert Complaint.objects.get(pk=c.pk).assignee_id == idle.pk
    with django_capture_on_commit_callbacks(execute=True):
        c = register(in_a, "metering")
    # half and idle have one each: the tie goes to the next in turn after idle, wrapping around.
    assert Complaint.objects.get(pk=c.pk).assignee_id == half.pk


def test_a_pool_of_a_job_hands_to_its_holders_and_deputies_who_handle_complaints(
    in_a, django_capture_on_commit_callbacks
):
    from querela.orgchart.services import holder_assign, job_save

    admin = in_a.actor("tenant_admin")
    job = job_save(actor=admin, job_id=None, department_id=in_a.department.pk, code="BILL-SPEC", title="Billing")
    holder_assign(actor=admin, job_id=job.pk, user_id=in_a.users["agent"].pk)  # an agent: never handed complaints
    holder_assign(actor=admin, job_id=job.pk, user_id=in_a.users["supervisor"].pk)
    rule(in_a, in_a.department, category="billing", pool="round_robin", pool_job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        c = register(in_a, "billing")
    assert Complaint.objects.get(pk=c.pk).assignee_id == in_a.users["supervisor"].pk


def test_an_empty_pool_leaves_the_complaint_unassigned_in_its_department(in_a, django_capture_on_commit_callbacks):
    empty = department("empty")
    rule(in_a, empty, category="billing", pool="round_robin")
    with django_capture_on_commit_callbacks(execute=True):
        c = register(in_a, "billing")
    c.refresh_from_db()
    assert c.department_id == empty.pk and c.assignee_id is None and c.status == Status.REGISTERED


def test_reclassification_hands_the_complaint_to_the_new_pool_only_when_its_handler_is_not_of_the_department(in_a):
    metering = department("metering")
    meter_man = handler(in_a, "meterman", metering)
    rule(in_a, metering, category="metering", pool="round_robin")
    c = register(in_a, "billing")
    complaint_transition(
        actor=in_a.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=in_a.users["handler"].pk
    )
    complaint_reclassify(actor=in_a.actor("supervisor"), complaint_id=c.pk, reason="Mérés.", category="metering")
    c.refresh_from_db()
    assert c.assignee_id == meter_man.pk and c.department_id == metering.pk and c.status == Status.ASSIGNED
    # Its handler is of the department now: a further reclassification within the rule keeps them.
    complaint_reclassify(actor=in_a.actor("supervisor"), complaint_id=c.pk, reason="Panasz.", kind="public_interest")
    c.refresh_from_db()
    assert c.assignee_id == meter_man.pk


def test_a_registered_and_unassigned_complaint_reclassified_into_a_pool_gets_a_handler(in_a):
    metering = department("metering")
    meter_man = handler(in_a, "meterman", metering)
    rule(in_a, metering, category="metering", pool="least_loaded")
    c = register(in_a, "billing")
    complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason="Mérés.", category="metering")
    c.refresh_from_db()
    assert c.assignee_id == meter_man.pk and c.status == Status.ASSIGNED


def test_a_call_settled_on_the_spot_is_handed_to_nobody(in_a, django_capture_on_commit_callbacks):
    rule(in_a, in_a.department, category="billing", pool="round_robin")
    with django_capture_on_commit_callbacks(execute=True):
        c = complaint_register_on_spot(
            actor=in_a.actor("agent"),
            answer="Elmondtam, miért ennyi.",
            confirm_in_writing=False,
            channel="phone",
            subject="Számla",
            description="Magas.",
            category="billing",
            customer=in_a.customer,
            place=in_a.place,
        )
    c.refresh_from_db()
    assert c.status == Status.ANSWERED and c.assignee_id is None and c.department_id == in_a.department.pk


def test_a_complaint_received_earlier_is_routed_when_it_is_registered(in_a, django_capture_on_commit_callbacks):
    metering = department("metering")
    meter_man = handler(in_a, "meterman", metering)
    c = complaint_register(
        actor=in_a.actor("agent"),
        channel="email",
        subject="Mérő",
        description="",
        category="metering",
        customer=in_a.customer,
    )
    assert c.status == Status.RECEIVED
    rule(in_a, metering, category="metering", pool="round_robin")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(actor=in_a.actor("agent"), complaint_id=c.pk, action="register")
    c.refresh_from_db()
    assert c.department_id == metering.pk and c.assignee_id == meter_man.pk


def test_another_suppliers_rules_never_apply(world):
    w, other = world.a, world.b
    with tenancy.tenant_scope(other.tenant):
        rule(other, other.department, name="Everything")  # a catch-all of B's
    with tenancy.tenant_scope(w.tenant):
        c = register(w, "billing")
        assert c.department_id is None
        rule(w, w.department, name="A's billing", category="billing")
        assert register(w, "billing").department_id == w.department.pk
    with tenancy.tenant_scope(other.tenant):
        b = register(other, "metering")
        assert b.department_id == other.department.pk


def test_a_registration_is_routed_without_a_read_while_its_number_is_held(in_a):
    """The reference counter's row lock is held from the number to the commit: routing reads its (cached)
    rules and writes the department, the timeline entry and its audit event, but reads nothing then."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rule(in_a, in_a.department, category="billing", region="Hajdú-Bihar")
    register(in_a, channel="phone")  # the rule set is read and cached here
    with CaptureQueriesContext(connection) as captured:
        c = register(in_a, channel="phone")
    assert c.department_id == in_a.department.pk
    sql = [q["sql"] for q in captured.captured_queries]
    counter = next(i for i, q in enumerate(sql) if "referencecounter" in q)
    assert not any(q.lstrip().upper().startswith("SELECT") for q in sql[counter + 1 :]), sql[counter + 1 :]


def test_a_new_rule_is_read_before_the_broad_rule_it_is_put_before(in_a):
    from querela.routing.services import rule_create

    metering = department("metering", "Mérés")
    broad = rule(in_a, in_a.department, name="Every billing", category="billing")
    rule(in_a, metering, name="Water", service_type="water")
    narrow = rule_create(
        actor=in_a.actor("tenant_admin"),
        values={
            "name": "Billing, Hajdú-Bihar",
            "department_id": metering.pk,
            "category": "billing",
            "region": "Hajdú-Bihar",
        },
        before_id=broad.pk,
    )
    order = list(RoutingRule.objects.order_by("position").values_list("name", flat=True))
    assert order == ["Billing, Hajdú-Bihar", "Every billing", "Water"]
    assert register(in_a, "billing").department_id == metering.pk == narrow.department_id


def test_a_pool_from_the_org_chart_needs_a_way_to_hand_out(in_a):
    from querela.orgchart.models import Job

    job = Job.objects.create(department=in_a.department, code="BILL-SPEC", title="Billing specialist")
    with pytest.raises(ValidationFailed) as refused:
        rule(in_a, in_a.department, name="Pool without a turn", pool="none", pool_job_id=job.pk)
    assert refused.value.code == "pool_job"
