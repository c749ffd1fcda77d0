"""The checklist on a case (issue 14, item 4): a work instruction's steps attached to a complaint, each
assigned to its job's people and due within the answer deadline, worked to done or not applicable, and the
answer held back while a mandatory step is open unless a supervisor overrides."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from querela.audit.models import AuditEvent
from querela.complaints.services import Upload, complaint_reclassify, complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.instructions.checklists import (
    CATEGORY_CHANGED,
    checklist_attach,
    checklist_counts,
    checklist_override,
    checklist_step_done,
    checklist_step_not_applicable,
)
from querela.instructions.models import ChecklistStep, StepState
from querela.orgchart.services import holder_assign
from tests.orgchart.helpers import make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(in_a):
    """BILL-SPEC held by the handler, CONTRACT-ADMIN by the agent (two jobs, two people)."""
    admin = in_a.actor("tenant_admin")
    for code, role in (("BILL-SPEC", "handler"), ("CONTRACT-ADMIN", "agent")):
        job = make_job(in_a, code=code, title=code)
        holder_assign(actor=admin, job_id=job.pk, user_id=in_a.users[role].pk)
    return in_a


def _register(w, capture, category="billing"):
    with capture(execute=True):
        return complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="The bill is too high",
            description="Please check my bill.",
            customer=w.customer,
            place=w.place,
            category=category,
        )


def _steps(complaint, state=None):
    qs = ChecklistStep.objects.filter(complaint=complaint).order_by("instruction_id", "position")
    return list(qs.filter(state=state) if state else qs)


def _investigate(w, complaint):
    supervisor = w.actor("supervisor")
    complaint_transition(
        actor=supervisor, complaint_id=complaint.pk, action="assign", assignee_id=w.users["handler"].pk
    )
    complaint_transition(actor=w.actor("handler"), complaint_id=complaint.pk, action="start_investigation")


def _answer(w, complaint):
    return complaint_transition(
        actor=w.actor("handler"), complaint_id=complaint.pk, action="answer", text="We checked.", decision="upheld"
    )


def test_registering_a_billing_complaint_attaches_its_instruction(jobs, django_capture_on_commit_callbacks):
    complaint = _register(jobs, django_capture_on_commit_callbacks)
    complaint.refresh_from_db()
    steps = _steps(complaint)
    assert steps and {s.instruction.category for s in steps} == {"billing"}
    assert [s.position for s in steps] == sorted(s.position for s in steps)
    instruction_steps = list(steps[0].instruction.steps.order_by("position"))
    assert [s.title for s in steps] == [s.title for s in instruction_steps]
    today = clock.tenant_today(jobs.tenant)
    for s, i in zip(steps, instruction_steps, strict=True):
        assert s.state == StepState.OPEN and s.mandatory == i.mandatory and s.job_code == i.job_code
        assert s.due_on <= complaint.answer_due and s.due_on <= today + timedelta(days=i.days)
        expected = {"BILL-SPEC": [jobs.users["handler"].pk], "CONTRACT-ADMIN": [jobs.users["agent"].pk]}
        assert s.assignee_ids == expected.get(s.job_code, [])
    assert AuditEvent.objects.filter(tenant=jobs.tenant, action="checklist.attach").count() == 1
    # Attaching again changes nothing.
    assert checklist_attach(complaint) == []
    assert len(_steps(complaint)) == len(steps)
    assert checklist_counts([complaint.pk]) == {complaint.pk: (0, len(steps))}


def test_done_with_evidence_and_not_applicable_with_a_reason(jobs, django_capture_on_commit_callbacks):
    complaint = _register(jobs, django_capture_on_commit_callbacks)
    bill = next(s for s in _steps(complaint) if s.job_code == "BILL-SPEC")
    contract = next(s for s in _steps(complaint) if s.job_code == "CONTRACT-ADMIN")
    handler, agent = jobs.actor("handler"), jobs.actor("agent")
    with pytest.raises(ValidationFailed) as e:
        checklist_step_done(actor=handler, step_id=bill.pk, note="")
    assert e.value.code == "evidence_required"
    upload = Upload("recalculation.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"), 15)
    done = checklist_step_done(actor=handler, step_id=bill.pk, note="Recalculated.", uploads=[upload])
    assert done.state == StepState.DONE and done.done_by_id == jobs.users["handler"].pk and len(done.evidence_ids) == 1
    assert complaint.attachments.filter(pk=done.evidence_ids[0], filename="recalculation.pdf").exists()
    with pytest.raises(ValidationFailed):
        checklist_step_done(actor=handler, step_id=bill.pk, note="again")
    with pytest.raises(ValidationFailed) as e:
        checklist_step_not_applicable(actor=agent, step_id=contract.pk, reason=" ")
    assert e.value.code == "reason_required"
    skipped = checklist_step_not_applicable(actor=agent, step_id=contract.pk, reason="No contract change.")
    assert skipped.state == StepState.NOT_APPLICABLE and skipped.note == "No contract change."
    actions = set(AuditEvent.objects.filter(tenant=jobs.tenant).values_list("action", flat=True))
    assert {"checklist.done", "checklist.not_applicable", "complaint.attach"} <= actions


def test_only_the_steps_people_the_handler_or_a_supervisor(jobs, django_capture_on_commit_callbacks):
    complaint = _register(jobs, django_capture_on_commit_callbacks)
    contract = next(s for s in _steps(complaint) if s.job_code == "CONTRACT-ADMIN")
    bill = next(s for s in _steps(complaint) if s.job_code == "BILL-SPEC")
    for role in ("clerk", "tenant_admin"):
        with pytest.raises(PermissionDenied):
            checklist_step_done(actor=jobs.actor(role), step_id=contract.pk, note="done")
    # The agent holds CONTRACT-ADMIN, not BILL-SPEC.
    with pytest.raises(PermissionDenied):
        checklist_step_done(actor=jobs.actor("agent"), step_id=bill.pk, note="done")
    checklist_step_done(actor=jobs.actor("supervisor"), step_id=contract.pk, note="Contract checked.")
    with pytest.raises(PermissionDenied):
        checklist_override(actor=jobs.actor("handler"), complaint_id=complaint.pk, reason="hurry")


def test_the_answer_waits_for_the_mandatory_steps(jobs, django_capture_on_commit_callbacks):
    complaint = _register(jobs, django_capture_on_commit_callbacks)
    _investigate(jobs, complaint)
    with pytest.raises(ValidationFailed) as e:
        _answer(jobs, complaint)
    assert e.value.code == "answer_blocked"
    supervisor = jobs.actor("supervisor")
    for s in _steps(complaint, StepState.OPEN):
        if s.mandatory:
            checklist_step_done(actor=supervisor, step_id=s.pk, note="Checked, see the file.")
    assert _answer(jobs, complaint).status == "answered"


def test_a_supervisor_overrides_with_a_reason(jobs, django_capture_on_commit_callbacks):
    complaint = _register(jobs, django_capture_on_commit_callbacks)
    _investigate(jobs, complaint)
    supervisor = jobs.actor("supervisor")
    with pytest.raises(ValidationFailed):
        checklist_override(actor=supervisor, complaint_id=complaint.pk, reason="")
    with pytest.raises(ValidationFailed):
        _answer(jobs, complaint)
    checklist_override(actor=supervisor, complaint_id=complaint.pk, reason="The customer withdrew the claim.")
    assert AuditEvent.objects.filter(tenant=jobs.tenant, action="checklist.override").exists()
    assert _answer(jobs, complaint).status == "answered"


def test_reclassification_swaps_the_checklist(jobs, django_capture_on_commit_callbacks):
    complaint = _register(jobs, django_capture_on_commit_callbacks)
    billing = _steps(complaint)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_reclassify(
            actor=jobs.actor("supervisor"),
            complaint_id=complaint.pk,
            reason="It is about the meter.",
            category="metering",
        )
    after = {s.pk: s for s in _steps(complaint)}
    for s in billing:
        assert after[s.pk].state == StepState.NOT_APPLICABLE and after[s.pk].note == CATEGORY_CHANGED
    new = [s for s in after.values() if s.pk not in {b.pk for b in billing}]
    assert new and {s.instruction.category for s in new} == {"metering"}
    assert all(s.state == StepState.OPEN for s in new)
    # Back to billing: the billing instruction's steps come again, the metering ones are closed.
    with django_capture_on_commit_callbacks(execute=True):
        complaint_reclassify(
            actor=jobs.actor("supervisor"), complaint_id=complaint.pk, reason="No.", category="billing"
        )
    final = _steps(complaint)
    assert all(s.state == StepState.NOT_APPLICABLE for s in final if s.instruction.category == "metering")
    assert all(s.state == StepState.OPEN for s in final if s.instruction.category == "billing")


def test_another_suppliers_checklist_is_out_of_reach(world, django_capture_on_commit_callbacks):
    with tenancy.tenant_scope(world.a.tenant):
        complaint = _register(world.a, django_capture_on_commit_callbacks)
        step = _steps(complaint)[0]
    with tenancy.tenant_scope(world.b.tenant):
        assert not ChecklistStep.objects.filter(pk=step.pk).exists()
        with pytest.raises(Exception):  # noqa: B017 - not found in B's scope
            checklist_step_done(actor=world.b.actor("supervisor"), step_id=step.pk, note="x")
    with tenancy.tenant_scope(world.a.tenant):
        assert ChecklistStep.objects.get(pk=step.pk).state == StepState.OPEN


def test_the_case_file_and_the_worklist_show_the_checklist(jobs, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.factories import PASSWORD

    complaint = _register(jobs, django_capture_on_commit_callbacks)
    steps = _steps(complaint)
    bill = next(s for s in steps if s.job_code == "BILL-SPEC")
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    page = client.get(f"/t/AAA/complaints/{complaint.reference}/").content.decode()
    assert 'id="checklist-title"' in page and f'id="step-{bill.pk}"' in page and bill.title in page
    assert f"/t/AAA/checklist/{bill.pk}/done/" in page
    response = client.post(
        f"/t/AAA/checklist/{bill.pk}/done/",
        {"note": "Recalculated.", "files": SimpleUploadedFile("sheet.txt", b"recalculation sheet")},
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.state == StepState.DONE and len(bill.evidence_ids) == 1
    rows = client.get("/t/AAA/complaints/").content.decode()
    assert f"checklist 1/{len(steps)}" in rows


def test_a_step_is_handed_on_by_the_handler_or_a_supervisor_with_a_reason(jobs, django_capture_on_commit_callbacks):
    from querela.instructions.checklists import checklist_step_reassign

    complaint = _register(jobs, django_capture_on_commit_callbacks)
    contract = next(s for s in _steps(complaint) if s.job_code == "CONTRACT-ADMIN")
    clerk = jobs.users["clerk"].pk
    # The agent holds the step's job but is not the complaint's handler: they do the step, not hand it on.
    with pytest.raises(PermissionDenied):
        checklist_step_reassign(actor=jobs.actor("agent"), step_id=contract.pk, user_ids=[clerk], reason="away")
    supervisor = jobs.actor("supervisor")
    with pytest.raises(ValidationFailed) as e:
        checklist_step_reassign(actor=supervisor, step_id=contract.pk, user_ids=[clerk], reason="")
    assert e.value.code == "reason_required"
    stranger = jobs.users["consumer"].pk
    with pytest.raises(ValidationFailed) as e:
        checklist_step_reassign(actor=supervisor, step_id=contract.pk, user_ids=[stranger], reason="away")
    assert e.value.code == "not_staff"
    step = checklist_step_reassign(
        actor=supervisor, step_id=contract.pk, user_ids=[clerk], reason="The contract clerk is on leave."
    )
    assert step.assignee_ids == [clerk]
    # Now the clerk may do it and the agent no longer.
    with pytest.raises(PermissionDenied):
        checklist_step_done(actor=jobs.actor("agent"), step_id=contract.pk, note="done")
    checklist_step_done(actor=jobs.actor("clerk"), step_id=contract.pk, note="Contract checked.")
    event = AuditEvent.objects.get(tenant=jobs.tenant, action="checklist.reassign")
    assert event.changes["assignees"] == [[jobs.users["agent"].pk], [clerk]]
    assert event.changes["reason"] == "The contract clerk is on leave."


def test_evidence_is_picked_from_the_case_files_on_the_page(jobs, django_capture_on_commit_callbacks):
    from django.test import Client

    from querela.complaints.services import complaint_attach
    from tests.factories import PASSWORD

    complaint = _register(jobs, django_capture_on_commit_callbacks)
    bill = next(s for s in _steps(complaint) if s.job_code == "BILL-SPEC")
    sheet = complaint_attach(
        actor=jobs.actor("handler"),
        complaint_id=complaint.pk,
        upload=Upload("meter-readings-2026.txt", io.BytesIO(b"readings"), 8),
    )
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    page = client.get(f"/t/AAA/complaints/{complaint.reference}/").content.decode()
    # The step says whose it is, by the job's title and its holder's name.
    handler = jobs.users["handler"]
    assert f'name="evidence" value="{sheet.pk}"' in page and (handler.get_full_name() or handler.username) in page
    client.post(f"/t/AAA/checklist/{bill.pk}/done/", {"note": "", "evidence": [str(sheet.pk)]})
    bill.refresh_from_db()
    assert bill.state == StepState.DONE and bill.evidence_ids == [sheet.pk]
    page = client.get(f"/t/AAA/complaints/{complaint.reference}/").content.decode()
    assert f"files/{sheet.pk}/" in page and "meter-readings-2026.txt" in page


def test_the_handler_has_the_case_follow_another_instruction_of_its_category(jobs, django_capture_on_commit_callbacks):
    from querela.instructions.checklists import SWITCHED, checklist_choices, checklist_choose
    from querela.instructions.models import WorkInstruction

    complaint = _register(jobs, django_capture_on_commit_callbacks)
    _investigate(jobs, complaint)
    first = _steps(complaint)
    picked = first[0].instruction
    done = checklist_step_done(actor=jobs.actor("handler"), step_id=first[0].pk, note="Checked.")
    choices = checklist_choices(complaint)
    assert len(choices) > 1 and {i.category for i in choices} == {"billing"}
    assert len({i.code for i in choices}) == len(choices)  # one per instruction, its current version
    other = next(i for i in choices if i.code != picked.code and i.steps.filter(check_code=done.check_code).exists())
    metering = WorkInstruction.objects.filter(category="metering", is_current=True).first()
    handler = jobs.actor("handler")
    for actor, instruction, reason, refused in (
        (jobs.actor("agent"), other, "tariff", PermissionDenied),  # not the case's handler
        (handler, other, " ", ValidationFailed),  # no reason
        (handler, metering, "tariff", ValidationFailed),  # another category's
    ):
        with pytest.raises(refused):
            checklist_choose(actor=actor, complaint_id=complaint.pk, instruction_id=instruction.pk, reason=reason)
    attached = checklist_choose(
        actor=handler, complaint_id=complaint.pk, instruction_id=other.pk, reason="The customer disputes the tariff."
    )
    assert attached and {s.instruction_id for s in attached} == {other.pk}
    # A check done under the first instruction is not done again under the second.
    for s in attached:
        if s.check_code == done.check_code:
            assert s.state == StepState.DONE and s.note.startswith(f"Done under {picked.code} v{picked.version}.")
        else:
            assert s.state == StepState.OPEN
    steps = {s.pk: s for s in _steps(complaint)}
    # What was done stays done; the rest of the first instruction is closed, saying why.
    assert steps[done.pk].state == StepState.DONE
    assert {s.state for s in steps.values() if s.instruction_id == picked.pk and s.pk != done.pk} == {
        StepState.NOT_APPLICABLE
    }
    assert {s.note for s in steps.values() if s.instruction_id == picked.pk and s.pk != done.pk} == {SWITCHED}
    # The choice holds when the checklist is attached again (another registration event)...
    assert checklist_attach(complaint) == []
    assert {s.instruction_id for s in _steps(complaint, StepState.OPEN)} == {other.pk}
    # ...and choosing the first instruction again reopens what the switch closed.
    back = checklist_choose(
        actor=handler, complaint_id=complaint.pk, instruction_id=picked.pk, reason="Amount after all."
    )
    assert {s.instruction_id for s in back} == {picked.pk}
    assert {s.state for s in _steps(complaint) if s.instruction_id == other.pk and s.check_code != done.check_code} == {
        StepState.NOT_APPLICABLE
    }
    event = AuditEvent.objects.filter(tenant=jobs.tenant, action="checklist.choose").order_by("pk").first()
    assert event.changes["instruction"] == [f"{picked.code} v{picked.version}", f"{other.code} v{other.version}"]


def test_the_case_file_names_the_instruction_and_offers_the_others(jobs, django_capture_on_commit_callbacks):
    from django.test import Client

    from querela.instructions.checklists import checklist_choices
    from tests.factories import PASSWORD

    complaint = _register(jobs, django_capture_on_commit_callbacks)
    _investigate(jobs, complaint)
    picked = _steps(complaint)[0].instruction
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    page = client.get(f"/t/AAA/complaints/{complaint.reference}/").content.decode()
    assert f"{picked.code} v{picked.version}" in page and "Follow another instruction" in page
    agent = Client()
    assert agent.login(username="aaa-agent", password=PASSWORD)
    assert "Follow another instruction" not in agent.get(f"/t/AAA/complaints/{complaint.reference}/").content.decode()
    other = next(i for i in checklist_choices(complaint) if i.code != picked.code)
    client.post(
        f"/t/AAA/complaints/{complaint.reference}/checklist/instruction/",
        {"instruction": other.pk, "reason": "Tariff dispute."},
    )
    page = client.get(f"/t/AAA/complaints/{complaint.reference}/").content.decode()
    assert f"{other.code} v{other.version}" in page


def test_a_checklist_whose_job_was_lost_is_attached_by_the_sweep(jobs):
    from datetime import timedelta

    from querela.instructions.checklists import checklists_missing
    from querela.instructions.tasks import checklists_sweep

    # Registered without its after-commit job running (a worker killed, none started): no checklist.
    complaint = complaint_register(
        actor=jobs.actor("agent"),
        channel="email",
        subject="The bill is too high",
        description="Please check my bill.",
        customer=jobs.customer,
        place=jobs.place,
        category="billing",
    )
    assert not _steps(complaint)
    assert checklists_missing(older_than_seconds=120) == []  # too fresh: its job may still be on the way
    later = clock.now() + timedelta(minutes=5)
    with tenancy.dangerously_all_tenants():
        from querela.complaints.models import Complaint

        Complaint.objects.filter(pk=complaint.pk).update(created_at=later - timedelta(minutes=10))
    assert checklists_missing(older_than_seconds=120) == [(jobs.tenant.pk, complaint.pk)]
    checklists_sweep.call_local()  # the test queue runs the attach job in place
    assert _steps(complaint) and checklists_missing(older_than_seconds=120) == []
