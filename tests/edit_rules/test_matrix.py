"""The default matrix, cell by cell, through the real services: every (object, field, role, assignment)
is accepted or refused exactly as the matrix says. Then the originals, a tenant's own cells, a job's row,
the reason every change needs and what the audit log keeps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register, complaint_update
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.customers.models import ConsumptionPlace, Customer, Meter
from querela.customers.services import customer_update, meter_replace, meter_update, place_update
from querela.edit_rules.catalogue import EDITABLE, ORIGINALS
from querela.edit_rules.decide import decide, why_not
from querela.edit_rules.defaults import default_when
from querela.edit_rules.services import ChangeRefused, check_changes, refusal, rule_set
from querela.orgchart.services import deputy_set, holder_assign
from querela.tenants.access import system_actor
from tests.factories import TenantWorld, make_tenant_world
from tests.orgchart.helpers import make_job

pytestmark = pytest.mark.django_db

COMPLAINT_ROLES = ("agent", "clerk", "handler", "supervisor")
RECORD_ROLES = ("agent", "clerk", "supervisor")
STATES = ("unassigned", "assigned_to_them", "assigned_to_another")


def _cell(w: TenantWorld, object_type: str, field: str, *, role: str, when: str, reason: str) -> None:
    """The tenant administrator sets one cell of the supplier's matrix."""
    rule_set(actor=w.actor("tenant_admin"), object_type=object_type, field=field, role=role, when=when, reason=reason)


@pytest.fixture
def w(db: None) -> TenantWorld:
    return make_tenant_world("AAA")


def _complaint(w: TenantWorld, state: str = "unassigned", role: str = "handler") -> Complaint:
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Bill too high",
            description="I was billed twice for March.",
            customer=w.customer,
            place=w.place,
            contact_name="Kovács Anna",
        )
        if state != "unassigned":
            # Who is assigned is the only fact the matrix reads: set it as it is, whoever may hold it.
            another = "supervisor" if role == "handler" else "handler"
            assignee = w.users[role if state == "assigned_to_them" else another]
            Complaint.objects.filter(pk=c.pk).update(assignee=assignee)
        c.refresh_from_db()
        return c


def _new_values(w: TenantWorld) -> dict[str, Any]:
    with tenancy.tenant_scope(w.tenant):
        second = ConsumptionPlace.objects.create(
            customer=w.customer, address="Kossuth utca 5.", postal_code="4025", city="Debrecen", service_type="gas"
        )
    return {
        "subject": "Bill for March",
        "kind": "information_request",
        "category": "billing",
        "reply_channel": "post",
        "customer": w.other_customer,
        "place": second,
        "contact_name": "Kovács Anna Mária",
        "contact_email": "anna.maria@example.test",
        "contact_phone": "+36 1 555 0101",
        "given_customer_number": "AAA1000009",
        "serial_number": "SN-77",
        "product_model": "Inverter X2",
        "ticket_number": "T-5",
        "place_address": "Kossuth utca 5.",
        "mailing_address": "4025 Debrecen, Kossuth utca 5.",
    }


def _expected(object_type: str, field: str, role: str, state: str) -> bool:
    return decide(
        default_when(object_type, field, role),
        assigned=state != "unassigned",
        is_assignee=state == "assigned_to_them",
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", COMPLAINT_ROLES)
@pytest.mark.parametrize("field", EDITABLE["complaint"])
def test_complaint_cell(w, field, role, state):
    c = _complaint(w, state, role)
    value = _new_values(w)[field]
    with tenancy.tenant_scope(w.tenant):
        if _expected("complaint", field, role, state):
            complaint_update(actor=w.actor(role), complaint_id=c.pk, reason="Corrected on the phone.", **{field: value})
            assert getattr(Complaint.objects.get(pk=c.pk), field) == value
        else:
            with pytest.raises(ChangeRefused) as refused:
                complaint_update(actor=w.actor(role), complaint_id=c.pk, reason="Corrected.", **{field: value})
            assert refused.value.field == field and refused.value.message.endswith(".")
            assert getattr(Complaint.objects.get(pk=c.pk), field) != value


def _record_values(w: TenantWorld) -> dict[str, dict[str, Any]]:
    today = clock.tenant_today(w.tenant)
    return {
        "customer": {
            "name": "Kovács Anna Mária",
            "phone": "+36 30 999 0000",
            "email": "anna.maria@example.test",
            "mailing_address": "4025 Debrecen, Kossuth utca 5.",
            "preferred_channel": "post",
            "language": "hu",
            "customer_number": "AAA9999999",
        },
        "place": {
            "address": "Kossuth utca 5.",
            "postal_code": "4025",
            "city": "Hajdúszoboszló",
            "region": "Pest",
            "service_type": "gas",
        },
        "meter": {
            "serial": "AAA-METER-9",
            "meter_type": "smart",
            "installed_on": today - timedelta(days=30),
            "removed_on": today - timedelta(days=1),
        },
    }


def _record_change(w: TenantWorld, object_type: str, role: str, field: str, value: Any) -> Any:
    actor = w.actor(role)
    reason = "The customer told us."
    if object_type == "customer":
        customer_update(actor=actor, customer_id=w.customer.pk, reason=reason, **{field: value})
        return getattr(Customer.objects.get(pk=w.customer.pk), field)
    if object_type == "place":
        place_update(actor=actor, place_id=w.place.pk, reason=reason, **{field: value})
        return getattr(ConsumptionPlace.objects.get(pk=w.place.pk), field)
    meter = Meter.objects.get(place=w.place)
    meter_update(actor=actor, meter_id=meter.pk, reason=reason, **{field: value})
    return getattr(Meter.objects.get(pk=meter.pk), field)


RECORD_CELLS = [(o, f) for o in ("customer", "place", "meter") for f in EDITABLE[o]]


@pytest.mark.parametrize("role", RECORD_ROLES)
@pytest.mark.parametrize(("object_type", "field"), RECORD_CELLS)
def test_record_cell(w, object_type, field, role):
    value = _record_values(w)[object_type][field]
    with tenancy.tenant_scope(w.tenant):
        if _expected(object_type, field, role, "unassigned"):
            assert _record_change(w, object_type, role, field, value) == value
        else:
            with pytest.raises(ChangeRefused) as refused:
                _record_change(w, object_type, role, field, value)
            assert refused.value.field == field


@pytest.mark.parametrize("role", ["handler", "tenant_admin"])
def test_a_role_without_the_permission_is_refused_whatever_the_matrix(w, role):
    with tenancy.tenant_scope(w.tenant):
        _cell(w, "customer", "phone", role="supervisor", when="never", reason="Only the desk.")
        with pytest.raises(ValidationFailed) as outside:  # the matrix narrows the table, never widens it
            _cell(w, "customer", "phone", role=role, when="always", reason="x")
        assert outside.value.code == "role_not_allowed"
        with pytest.raises(PermissionDenied):
            customer_update(actor=w.actor(role), customer_id=w.customer.pk, reason="x", phone="+36 1 1")


@pytest.mark.parametrize("role", ["agent", "clerk", "handler", "supervisor", "tenant_admin", "consumer", "system"])
@pytest.mark.parametrize("original", ORIGINALS["complaint"])
def test_the_originals_are_refused_for_everyone(w, role, original):
    c = _complaint(w)
    with tenancy.tenant_scope(w.tenant):
        actor = system_actor(w.tenant) if role == "system" else w.actor(role)
        with pytest.raises(ChangeRefused) as refused:
            complaint_update(actor=actor, complaint_id=c.pk, reason="A typo.", **{original: "changed"})
        assert refused.value.code == "original"
        assert Complaint.objects.get(pk=c.pk).description == "I was billed twice for March."
    if original == "description":
        assert refused.value.message == "The customer's own words as received cannot be changed: add a note instead."


@pytest.mark.parametrize(("object_type", "original"), [(o, f) for o, fs in ORIGINALS.items() for f in fs])
def test_every_original_of_every_object_is_refused_by_the_check(w, object_type, original):
    with tenancy.tenant_scope(w.tenant):
        for role in ("agent", "supervisor", "tenant_admin"):
            with pytest.raises(ChangeRefused) as refused:
                check_changes(w.actor(role), object_type, [original])
            assert refused.value.code == "original" and refused.value.message


def test_the_refusal_says_who_may_and_who_has_it(w):
    c = _complaint(w, "assigned_to_another", "agent")
    with tenancy.tenant_scope(w.tenant):
        w.users["handler"].first_name, w.users["handler"].last_name = "Anna", "Kovács"
        w.users["handler"].save()
        with pytest.raises(ChangeRefused) as refused:
            complaint_update(actor=w.actor("agent"), complaint_id=c.pk, reason="x", category="billing")
    assert refused.value.message == (
        "A call-center agent may change the category only until the complaint is assigned; "
        "it is assigned to Anna Kovács."
    )


def test_a_tenants_own_cell_changes_the_outcome_there_only(db):
    a, b = make_tenant_world("AAA"), make_tenant_world("BBB")
    ca, cb = _complaint(a, "assigned_to_another", "agent"), _complaint(b, "assigned_to_another", "agent")
    with tenancy.tenant_scope(a.tenant):
        _cell(
            a,
            "complaint",
            "contact_phone",
            role="agent",
            when="always",
            reason="Agents take the new number on the phone.",
        )
        complaint_update(actor=a.actor("agent"), complaint_id=ca.pk, reason="New number.", contact_phone="+36 1 2")
        with pytest.raises(ChangeRefused):  # the rest of A's matrix is as it was
            complaint_update(actor=a.actor("agent"), complaint_id=ca.pk, reason="x", category="billing")
    with tenancy.tenant_scope(b.tenant), pytest.raises(ChangeRefused):
        complaint_update(actor=b.actor("agent"), complaint_id=cb.pk, reason="New number.", contact_phone="+36 1 2")


def test_a_tenant_can_narrow_a_cell_too(w):
    with tenancy.tenant_scope(w.tenant):
        _cell(w, "customer", "name", role="agent", when="never", reason="Names only at the desk, with an ID card.")
        with pytest.raises(ChangeRefused):
            customer_update(actor=w.actor("agent"), customer_id=w.customer.pk, reason="x", name="Someone Else")
        customer_update(actor=w.actor("clerk"), customer_id=w.customer.pk, reason="ID card seen.", name="Kovács A.")


def test_a_jobs_row_lets_its_holders_and_deputies_of_the_day_change_the_field(w):
    job = make_job(w)
    c = _complaint(w, "assigned_to_another", "agent")
    with tenancy.tenant_scope(w.tenant):
        admin = w.actor("tenant_admin")
        term = holder_assign(actor=admin, job_id=job.pk, user_id=w.users["agent"].pk)
        with pytest.raises(ChangeRefused):
            complaint_update(actor=w.actor("agent"), complaint_id=c.pk, reason="x", category="billing")
        rule_set(
            actor=admin,
            object_type="complaint",
            field="category",
            job_id=job.pk,
            when="always",
            reason="The billing specialists classify.",
        )
        complaint_update(actor=w.actor("agent"), complaint_id=c.pk, reason="A billing matter.", category="billing")
        with pytest.raises(ChangeRefused):  # not in the job
            complaint_update(actor=w.actor("clerk"), complaint_id=c.pk, reason="x", category="metering")
        with pytest.raises(ChangeRefused):  # the job's row is for the category only
            complaint_update(actor=w.actor("agent"), complaint_id=c.pk, reason="x", subject="Another")
        deputy_set(
            actor=admin, job_id=job.pk, user_id=w.users["clerk"].pk, starts_on=None, reason="Leave", holder_id=term.pk
        )
        complaint_update(actor=w.actor("clerk"), complaint_id=c.pk, reason="Standing in.", category="metering")
        assert Complaint.objects.get(pk=c.pk).category == "metering"


def test_every_change_needs_its_reason(w):
    c = _complaint(w)
    with tenancy.tenant_scope(w.tenant):
        meter = Meter.objects.get(place=w.place)
        for change in (
            lambda: complaint_update(actor=w.actor("supervisor"), complaint_id=c.pk, reason=" ", subject="New"),
            lambda: customer_update(actor=w.actor("clerk"), customer_id=w.customer.pk, reason="", phone="+36 1"),
            lambda: place_update(actor=w.actor("clerk"), place_id=w.place.pk, reason="", city="Eger"),
            lambda: meter_update(actor=w.actor("clerk"), meter_id=meter.pk, reason="", meter_type="smart"),
        ):
            with pytest.raises(ValidationFailed) as missing:
                change()
            assert missing.value.code == "reason_required"
        # Nothing changes, nothing to explain; and the intake (no person) needs none.
        complaint_update(actor=w.actor("supervisor"), complaint_id=c.pk, subject="Bill too high")
        complaint_update(actor=system_actor(w.tenant), complaint_id=c.pk, customer=w.other_customer)
        assert Complaint.objects.get(pk=c.pk).customer_id == w.other_customer.pk


def test_the_audit_keeps_before_after_and_the_reason(w):
    c = _complaint(w)
    with tenancy.tenant_scope(w.tenant):
        complaint_update(
            actor=w.actor("clerk"),
            complaint_id=c.pk,
            reason="She spelled it on the phone.",
            contact_name="Kovács Anna Mária",
            contact_email="anna@example.test",
        )
        event = AuditEvent.objects.get(action="complaint.update", object_id=c.reference)
        place_update(actor=w.actor("clerk"), place_id=w.place.pk, reason="Moved the county.", region="Pest")
        place_event = AuditEvent.objects.get(action="place.update")
    assert event.changes == {
        "contact_name": ["Kovács Anna", "Kovács Anna Mária"],
        "contact_email": ["anna@aaa.example", "anna@example.test"],
        "reason": "She spelled it on the phone.",
    }
    assert event.actor_id == w.users["clerk"].pk
    assert (
        place_event.changes["region"] == ["Hajdú-Bihar", "Pest"]
        and place_event.changes["reason"] == "Moved the county."
    )


def test_replacing_a_meter_is_judged_like_its_removal_day(w):
    with tenancy.tenant_scope(w.tenant):
        _cell(w, "meter", "removed_on", role="agent", when="never", reason="Meter changes come from the field crew.")
        meter = Meter.objects.get(place=w.place)
        today = clock.tenant_today(w.tenant)
        with pytest.raises(ChangeRefused):
            meter_replace(actor=w.actor("agent"), meter_id=meter.pk, removed_on=today, serial="AAA-M-2", reason="x")
        meter_replace(actor=w.actor("clerk"), meter_id=meter.pk, removed_on=today, serial="AAA-M-2", reason="Crew.")


@pytest.mark.parametrize("when", ["never", "before_assignment", "own", "assignee", "after_assignment"])
@pytest.mark.parametrize("state", STATES)
def test_every_refusal_reads_as_a_sentence_naming_the_field(w, when, state):
    assigned, mine = state != "unassigned", state == "assigned_to_them"
    why = why_not(when, assigned=assigned, is_assignee=mine)
    if not why:
        return
    with tenancy.tenant_scope(w.tenant):
        text = refusal("clerk", "complaint", "reply_channel", when, why, assignee_id=w.users["handler"].pk)
    assert "reply channel" in text and text.endswith(".")
    assert ("aaa-handler" in text) == (why in ("assigned", "other_assignee"))
