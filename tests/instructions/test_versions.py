"""Editing an instruction writes its next version; the earlier one stays readable as it was. Audited, with
the reason; refused without one, when nothing changed, or on an earlier version."""

from __future__ import annotations

import pytest

from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.instructions.models import WorkInstruction
from querela.instructions.services import DocumentInput, StepInput, instruction_save

pytestmark = pytest.mark.django_db


def _steps(instruction: WorkInstruction) -> list[StepInput]:
    return [
        StepInput(
            check_code=s.check_code,
            title=s.title,
            how_to=s.how_to,
            job_code=s.job_code,
            evidence=s.evidence,
            mandatory=s.mandatory,
            days=s.days,
        )
        for s in instruction.steps.all()
    ]


def _documents(instruction: WorkInstruction) -> list[DocumentInput]:
    return [DocumentInput(title=d.title, body=d.body) for d in instruction.documents.all()]


def _values(instruction: WorkInstruction, **over: str) -> dict[str, str]:
    fields = ("category", "channel", "service_type", "segment", "title", "purpose")
    return {k: getattr(instruction, k) for k in fields} | over


def test_an_edit_is_version_2_and_version_1_is_kept(in_a):
    admin = in_a.actor("tenant_admin")
    v1 = WorkInstruction.objects.get(code="UT-BILL-01", language="en")
    old_steps = [(s.position, s.title, s.job_code) for s in v1.steps.all()]
    steps = _steps(v1)
    steps.reverse()  # reordered
    steps = steps[1:]  # one removed
    steps.append(
        StepInput(
            check_code="recording_review",
            title="Listen to the billing calls",
            how_to="Find the calls about the bill and listen to them.",
            job_code="CS-LEAD",
            evidence="Time-stamped notes.",
            mandatory=False,
            days=2,
        )
    )
    v2 = instruction_save(
        actor=admin,
        instruction_id=v1.pk,
        values=_values(v1, title="Bill amount disputed"),
        steps=steps,
        documents=_documents(v1),
        reason="Calls are often where the promise was made.",
    )
    v1.refresh_from_db()
    assert (v2.version, v2.is_current, v2.code, v2.language) == (2, True, "UT-BILL-01", "en")
    assert not v1.is_current and v1.title == "Bill amount disputed (overbilling)"
    assert [(s.position, s.title, s.job_code) for s in v1.steps.all()] == old_steps  # untouched
    assert [s.title for s in v2.steps.all()] == [s.title for s in steps]
    assert [s.position for s in v2.steps.all()] == list(range(1, len(steps) + 1))
    assert v2.change_reason == "Calls are often where the promise was made." and v2.created_by == admin.user
    assert WorkInstruction.objects.filter(code="UT-BILL-01", language="en", is_current=True).get() == v2
    event = AuditEvent.objects.get(action="instructions.version")
    assert event.object_id == "UT-BILL-01" and event.changes["version"] == 2
    assert event.changes["title"] == ["Bill amount disputed (overbilling)", "Bill amount disputed"]
    assert "steps" in event.changes and event.changes["reason"]


def test_an_edit_needs_a_reason_a_change_and_the_current_version(in_a):
    admin = in_a.actor("tenant_admin")
    v1 = WorkInstruction.objects.get(code="UT-BILL-02", language="en")
    same = {"values": _values(v1), "steps": _steps(v1), "documents": _documents(v1)}
    with pytest.raises(ValidationFailed) as no_reason:
        instruction_save(actor=admin, instruction_id=v1.pk, reason="", **(same | {"values": _values(v1, title="X")}))
    assert no_reason.value.code == "reason"
    with pytest.raises(ValidationFailed) as unchanged:
        instruction_save(actor=admin, instruction_id=v1.pk, reason="Because", **same)
    assert unchanged.value.code == "unchanged"
    instruction_save(actor=admin, instruction_id=v1.pk, reason="Shorter", **(same | {"values": _values(v1, title="Y")}))
    with pytest.raises(ValidationFailed) as old:
        instruction_save(
            actor=admin, instruction_id=v1.pk, reason="Again", **(same | {"values": _values(v1, title="Z")})
        )
    assert old.value.code == "not_current"
    assert WorkInstruction.objects.filter(code="UT-BILL-02").count() == 2


@pytest.mark.parametrize(
    ("step", "code"),
    [
        ({"check_code": "astrology"}, "check"),
        ({"job_code": "two words"}, "job"),
        ({"evidence": " "}, "step"),
        ({"days": 0}, "days"),
    ],
)
def test_a_step_is_refused_with_the_reason(in_a, step, code):
    v1 = WorkInstruction.objects.get(code="UT-BILL-03", language="en")
    steps = _steps(v1)
    bad = StepInput(**{**steps[0].__dict__, **step})
    with pytest.raises(ValidationFailed) as refused:
        instruction_save(
            actor=in_a.actor("tenant_admin"),
            instruction_id=v1.pk,
            values=_values(v1),
            steps=[bad, *steps[1:]],
            documents=_documents(v1),
            reason="r",
        )
    assert refused.value.code == code


def test_a_document_naming_an_unknown_placeholder_is_refused(in_a):
    v1 = WorkInstruction.objects.get(code="UT-BILL-04", language="en")
    with pytest.raises(ValidationFailed) as refused:
        instruction_save(
            actor=in_a.actor("tenant_admin"),
            instruction_id=v1.pk,
            values=_values(v1),
            steps=_steps(v1),
            documents=[DocumentInput(title="Note", body="Dear {customer}")],
            reason="r",
        )
    assert refused.value.code == "placeholder"


def test_a_new_instruction_and_its_code(in_a):
    admin = in_a.actor("tenant_admin")
    step = StepInput(
        check_code="contract_check",
        title="Read the contract",
        how_to="Open it.",
        job_code="CONTRACT-ADMIN",
        evidence="The clause.",
        days=3,
    )
    doc = DocumentInput(title="Note", body="{reference}: {customer_name}")
    made = instruction_save(
        actor=admin,
        instruction_id=None,
        values={"code": "own-01", "language": "hu", "category": "contract", "title": "Saját utasítás"},
        steps=[step],
        documents=[doc],
    )
    assert (made.code, made.version, made.language, made.preset) == ("OWN-01", 1, "hu", "")
    assert AuditEvent.objects.filter(action="instructions.create", object_id="OWN-01").exists()
    with pytest.raises(ValidationFailed) as taken:
        instruction_save(
            actor=admin,
            instruction_id=None,
            values={"code": "OWN-01", "language": "hu", "category": "contract", "title": "Again"},
            steps=[step],
            documents=[doc],
        )
    assert taken.value.code == "code_taken"
    with pytest.raises(ValidationFailed):
        instruction_save(
            actor=admin,
            instruction_id=None,
            values={"code": "OWN-02", "language": "hu", "category": "contract", "title": "No steps"},
            steps=[],
            documents=[],
        )


@pytest.mark.parametrize("role", ["agent", "clerk", "handler", "supervisor", "consumer"])
def test_only_the_administrator_edits(in_a, role):
    v1 = WorkInstruction.objects.get(code="UT-BILL-01", language="en")
    with pytest.raises(PermissionDenied):
        instruction_save(
            actor=in_a.actor(role),
            instruction_id=v1.pk,
            values=_values(v1, title="Mine"),
            steps=_steps(v1),
            documents=_documents(v1),
            reason="r",
        )


def test_another_tenants_instruction_is_not_found(world):
    with tenancy.tenant_scope(world.b.tenant):
        theirs = WorkInstruction.objects.get(code="UT-BILL-01", language="en")
        steps, documents = _steps(theirs), _documents(theirs)
    with tenancy.tenant_scope(world.a.tenant), pytest.raises(NotFound):
        instruction_save(
            actor=world.a.actor("tenant_admin"),
            instruction_id=theirs.pk,
            values=_values(theirs, title="Mine"),
            steps=steps,
            documents=documents,
            reason="r",
        )
