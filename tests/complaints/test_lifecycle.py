"""The complaint lifecycle through the services, as a complaint office lives it."""

from __future__ import annotations

import pytest

from querela.complaints.models import Complaint, EntryType, Kind
from querela.complaints.services import complaint_register, complaint_update
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import TRANSITIONS, Status
from querela.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from querela.remedies.models import RemedyBody

pytestmark = pytest.mark.django_db


def _register(w, **kw):
    defaults = dict(
        actor=w.actor("agent"),
        channel="phone",
        subject="Wrong bill",
        description="Billed twice in March.",
        customer=w.customer,
        place=w.place,
    )
    defaults.update(kw)
    return complaint_register(**defaults)


def test_identified_complaint_is_registered_with_reference_and_reply_channel(in_a):
    c = _register(in_a)
    assert c.status == Status.REGISTERED
    assert c.reference == f"AAA-{c.received_at.year}-000001"
    # An oral complaint that could not be settled continues in writing, the way the customer asked.
    assert in_a.customer.preferred_channel == "email" and c.reply_channel == "email"
    in_a.customer.preferred_channel = "phone"  # no written channel asked for: a letter
    in_a.customer.save()
    assert _register(in_a).reply_channel == "post"
    assert _register(in_a, channel="web").reply_channel == "web"  # written: answered the way it came
    assert c.policy_name == "hu-electricity"
    kinds = list(c.timeline.values_list("entry_type", flat=True))
    assert kinds == [EntryType.INBOUND, EntryType.STATUS]


def test_unidentified_complaint_waits_and_can_be_asked_for_information(in_a):
    c = _register(in_a, customer=None, place=None, channel="email", contact_email="who@example.net")
    assert c.status == Status.RECEIVED
    assert c.reply_channel == "email"
    c = complaint_transition(
        actor=in_a.actor("agent"),
        complaint_id=c.pk,
        action="request_info",
        text="Please send the customer id printed on your bill.",
    )
    assert c.status == Status.AWAITING_INFO
    out = c.timeline.filter(entry_type=EntryType.OUTBOUND).get()
    assert out.channel == "email" and "customer id" in out.body


def test_full_path_to_closed_and_reopen(in_a):
    c = _register(in_a)
    sup, handler = in_a.actor("supervisor"), in_a.actor("handler")
    complaint_transition(actor=sup, complaint_id=c.pk, action="assign", assignee_id=handler.user_id)
    complaint_transition(actor=handler, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=handler, complaint_id=c.pk, action="answer", text="We corrected the bill.")
    complaint_transition(actor=handler, complaint_id=c.pk, action="close")
    c = complaint_transition(actor=in_a.actor("consumer"), complaint_id=c.pk, action="reopen", text="Still wrong.")
    c.refresh_from_db()
    assert c.status == Status.REOPENED
    assert c.assignee_id == handler.user_id
    assert c.department == in_a.department


def test_illegal_move_is_refused_with_a_clear_message(in_a):
    c = _register(in_a)
    with pytest.raises(InvalidTransition) as err:
        complaint_transition(actor=in_a.actor("handler"), complaint_id=c.pk, action="answer", text="x")
    assert "Registered" in err.value.message
    c.refresh_from_db()
    assert c.status == Status.REGISTERED


def test_status_cannot_change_without_the_right_role(in_a):
    c = _register(in_a)
    with pytest.raises(PermissionDenied):
        complaint_transition(actor=in_a.actor("agent"), complaint_id=c.pk, action="assign")
    with pytest.raises(PermissionDenied):
        complaint_transition(
            actor=in_a.actor("handler"), complaint_id=c.pk, action="assign", assignee_id=in_a.users["supervisor"].pk
        )


def test_answer_needs_text(in_a):
    c = _register(in_a)
    h = in_a.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="assign")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    with pytest.raises(ValidationFailed):
        complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="   ")


def test_only_a_non_complaint_is_redirected_with_explanation(in_a):
    c = _register(in_a)
    with pytest.raises(ValidationFailed):
        complaint_transition(actor=in_a.actor("agent"), complaint_id=c.pk, action="redirect", text="Call 80.")
    complaint_update(actor=in_a.actor("agent"), complaint_id=c.pk, kind=Kind.TECHNICAL_FAULT, reason="An outage.")
    c = complaint_transition(
        actor=in_a.actor("agent"), complaint_id=c.pk, action="redirect", text="Outages: call the fault line 80 000 000."
    )
    assert c.status == Status.REDIRECTED
    assert "fault line" in c.redirect_explanation


def test_consumer_cannot_file_for_someone_else(in_a):
    with pytest.raises(PermissionDenied):
        _register(in_a, actor=in_a.actor("consumer"), channel="web", customer=in_a.other_customer, place=None)


def test_place_must_belong_to_customer(in_a):
    other_place = in_a.other_customer.places.first()
    with pytest.raises(ValidationFailed):
        _register(in_a, place=other_place)


def test_update_records_before_and_after(in_a):
    from querela.audit.models import AuditEvent

    c = _register(in_a)
    complaint_update(actor=in_a.actor("handler"), complaint_id=c.pk, category="billing", reason="About the bill.")
    ev = AuditEvent.objects.filter(action="complaint.update").get()
    assert ev.changes == {"category": ["other", "billing"], "reason": "About the bill."}
    assert Complaint.objects.get(pk=c.pk).category == "billing"


def test_a_status_cannot_be_bulk_written_around_the_workflow(in_a):
    from querela.complaints.models import Complaint

    c = _register(in_a)
    with pytest.raises(TypeError, match="complaint_transition"):
        Complaint.objects.filter(pk=c.pk).update(status="closed")
    c.refresh_from_db()
    assert c.status == Status.REGISTERED


# A legal way into every state, from a registered complaint (received/awaiting: before registration).
_PATHS = {
    Status.RECEIVED: None,
    Status.AWAITING_INFO: ["request_info"],
    Status.REGISTERED: [],
    Status.ASSIGNED: ["assign"],
    Status.INVESTIGATING: ["assign", "start_investigation"],
    Status.ANSWERED: ["assign", "start_investigation", "answer"],
    Status.CLOSED: ["assign", "start_investigation", "answer", "close"],
    Status.REOPENED: ["assign", "start_investigation", "answer", "reopen"],
    Status.ESCALATED: ["assign", "start_investigation", "escalate"],
    Status.REDIRECTED: ["redirect"],
}


@pytest.mark.parametrize("status", list(_PATHS))
def test_every_illegal_move_is_refused_with_a_reason(in_a, status):
    """Each transition, from each state it does not start from, is refused and changes nothing."""
    from querela.complaints.workflow import TRANSITIONS

    sup = in_a.actor("supervisor")
    path = _PATHS[status]
    c = _register(
        in_a,
        description="" if path is None else "Billed twice.",
        kind=(Kind.INFORMATION_REQUEST if status == Status.REDIRECTED else Kind.COMPLAINT),
    )
    for action in path or []:
        complaint_transition(actor=sup, complaint_id=c.pk, action=action, text="x", assignee_id=sup.user_id)
    c.refresh_from_db()
    assert c.status == status
    illegal = [t.name for t in TRANSITIONS if status not in t.sources]
    assert illegal
    for name in illegal:
        with pytest.raises(InvalidTransition) as err:
            complaint_transition(actor=sup, complaint_id=c.pk, action=name, text="x", assignee_id=sup.user_id)
        assert str(Status(status).label) in err.value.message
        c.refresh_from_db()
        assert c.status == status


# The rows of the workflow table say what a transition does; each row's promise is kept.
_WALK = {
    Status.REGISTERED: [],
    Status.INVESTIGATING: ["assign", "start_investigation"],
    Status.ANSWERED: ["assign", "start_investigation", "answer"],
}


def _at(w, status: str, **kw):
    c = _register(w, **kw)
    h = w.actor("handler")
    for step in _WALK[status]:
        complaint_transition(actor=h, complaint_id=c.pk, action=step, text="Válasz.", assignee_id=h.user_id)
    c.refresh_from_db()
    assert c.status == status
    return c


@pytest.mark.parametrize("name", [t.name for t in TRANSITIONS if t.writes_letter])
def test_every_transition_that_writes_a_letter_sends_it_in_the_reply_channel(in_a, name):
    t = next(t for t in TRANSITIONS if t.name == name)
    source = next(s for s in (Status.REGISTERED, Status.INVESTIGATING) if s in t.sources)
    kind = Kind.TECHNICAL_FAULT if "non_complaint" in t.guards else Kind.COMPLAINT
    c = _at(in_a, source, kind=kind)
    in_a.tenant.answer_footer = "Békéltető testület: Budapest."
    in_a.tenant.save()
    RemedyBody.objects.all().delete()  # no remedy data: the supplier's own footer stands in (tests/remedies)
    c.refresh_from_db()
    complaint_transition(actor=in_a.actor("handler"), complaint_id=c.pk, action=name, text=f"Levél: {name}.")
    letter = c.timeline.filter(entry_type=EntryType.OUTBOUND, data__purpose=name).get()
    assert letter.channel == c.reply_channel and letter.body.startswith(f"Levél: {name}.")
    assert ("Békéltető testület" in letter.body) == t.appends_remedies


def test_a_guard_is_checked_before_anything_is_written(in_a):
    c = _register(in_a, kind=Kind.COMPLAINT)
    entries = c.timeline.count()
    with pytest.raises(ValidationFailed) as err:
        complaint_transition(actor=in_a.actor("handler"), complaint_id=c.pk, action="redirect", text="Máshová.")
    assert err.value.code == "kind_is_complaint"
    c.refresh_from_db()
    assert c.status == Status.REGISTERED and c.timeline.count() == entries


def test_a_person_reclassifies_with_a_reason_and_not_under_someone_elses_investigation(in_a):
    from querela.audit.models import AuditEvent
    from querela.complaints.services import complaint_reclassify
    from querela.complaints.transitions import complaint_transition as move

    c = _register(in_a)
    with pytest.raises(ValidationFailed) as no_reason:
        complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason=" ", category="billing")
    assert no_reason.value.code == "reason_required"
    complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason="A számláról szól.", category="billing")
    ev = AuditEvent.objects.filter(action="complaint.update").get()
    assert ev.changes == {"category": ["other", "billing"], "reason": "A számláról szól."}
    assert c.timeline.filter(entry_type="system", body="A számláról szól.").exists()
    move(actor=in_a.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=in_a.users["handler"].pk)
    move(actor=in_a.actor("handler"), complaint_id=c.pk, action="start_investigation")
    with pytest.raises(PermissionDenied):
        complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason="Mégis más.", category="metering")
    complaint_reclassify(actor=in_a.actor("supervisor"), complaint_id=c.pk, reason="Mérés.", category="metering")
    # Issue 14: every change says why, and the desk's part ends once the complaint is assigned (the edit matrix).
    with pytest.raises(ValidationFailed) as no_reason:
        complaint_reclassify(actor=in_a.actor("handler"), complaint_id=c.pk, reason="", reply_channel="post")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        complaint_reclassify(actor=in_a.actor("clerk"), complaint_id=c.pk, reason="Levélben.", reply_channel="post")
    complaint_reclassify(actor=in_a.actor("handler"), complaint_id=c.pk, reason="Levélben kéri.", reply_channel="post")
    assert Complaint.objects.get(pk=c.pk).category == "metering"
